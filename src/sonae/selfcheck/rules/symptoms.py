"""The flyer's symptom checklist 「こんなときはすぐにご連絡を」: eight signs that call for the incident desk.

Each symptom has a stable code (passed to the incident report page as ``?symptom=<code>`` so triage starts from it)
and a first thing to do while waiting for the desk, in Sonae's own words.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Symptom:
    code: str
    title: str
    example: str
    first_step: str


SYMPTOMS: tuple[Symptom, ...] = (
    Symptom(
        "data_encrypted",
        "データが暗号化されて開けない",
        "ファイルの名前や拡張子が変わり、開こうとしてもエラーになる。",
        "その端末のLANケーブルを抜き、無線LANを切ってください。電源は切らずにそのままにします。",
    ),
    Symptom(
        "ransom_demand",
        "身代金を要求する画面が出て、パソコンが操作できない",
        "「データを戻したければ支払え」という画面や文書が表示される。",
        "画面をスマートフォンで撮影し、ネットワークから切り離してください。連絡や支払いはしないでください。",
    ),
    Symptom(
        "data_leaking",
        "情報が外部に漏れている",
        "自社の顧客・患者の情報がインターネット上に出ている、外部に送られた形跡がある。",
        "見つけた場所（URLや画面）を記録し、削除や上書きをせずにそのまま残してください。",
    ),
    Symptom(
        "told_by_outsider",
        "取引先や外部の人から指摘を受けた",
        "「御社から不審なメールが来た」「情報が漏れているのでは」と連絡があった。",
        "連絡してきた相手・日時・内容を記録してください。この日が法令上の期限の起点になることがあります。",
    ),
    Symptom(
        "website_defaced",
        "ホームページが改ざんされた",
        "見覚えのない文言・画像が表示される、別のサイトに転送される。",
        "ホームページの管理会社に連絡して公開の停止を相談し、改ざんされた画面を保存してください。",
    ),
    Symptom(
        "website_vulnerability",
        "ホームページの弱点を突いた攻撃を受けた",
        "管理会社やセキュリティ機器から、脆弱性を狙った攻撃や不正なログインの通知が来た。",
        "通知の内容を保存し、管理会社にログの保全を依頼してください。",
    ),
    Symptom(
        "spoofed_emails",
        "自社の名前でメールが勝手に送られている",
        "送った覚えのないメールが自社のアドレスや社名で取引先に届いている。",
        "メールのパスワードを変更し、取引先に「不審なメールを開かないで」と別の手段で知らせてください。",
    ),
    Symptom(
        "suspicious_attachment",
        "不審なメールの添付ファイルを開いてしまった",
        "開いた後に何も起きないように見えても、裏で感染していることがあります。",
        "その端末をネットワークから切り離し、開いたメールを削除せずに残してください。",
    ),
)
SYMPTOM_BY_CODE = {symptom.code: symptom for symptom in SYMPTOMS}
