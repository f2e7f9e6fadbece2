"""The one declared access policy of Sonae, checked route by route by ``test_isolation_matrix``.

Every page URL name and every API operation id must appear here (a new route fails the matrix until it is
declared). ``Access(kinds, min_role)``: which organisation kinds may GET the route on objects of their own
scope (the home provider's objects, its linked hospital's notices) and the lowest role that may; everybody else
gets 403 or 404. Objects of another organisation are always 403/404 — and 404 whenever the kind and role may
use the route at all. ``POST_ONLY`` / ``WRITE`` routes are not GET-checked; a representative set of them is
checked with foreign ids. ``NO_FIXTURE``: the fixture world has no object to fill the URL with (listed in the
report; declared so the route is not silently new). ``NOBODY``: no GET succeeds with the world's ids.
``PUBLIC``: reachable without login by a case's token (checked separately).

Seeded from the behaviour of the code on 2026-11-28 and reviewed against DESIGN §1 (who sees what).
"""

from __future__ import annotations

from dataclasses import dataclass

VIEWER, STAFF, ADMIN = "viewer", "staff", "admin"
ALL = frozenset({"provider", "agency", "insurer", "desk", "foundation", "hospital"})


@dataclass(frozen=True)
class Access:
    kinds: frozenset[str] | set[str]
    min_role: str = VIEWER


POST_ONLY = "post-only"  # a page that answers GET with 405
WRITE = "write"  # an API operation other than GET
NO_FIXTURE = "no-fixture"
NOBODY = Access(frozenset())
# A page served without login to whoever holds a case's token (the public inquiry page): checked by
# ``test_public_pages`` — the token's own case answers, another case's token and person show nothing of it.
PUBLIC = "public"
# Victims statistics (no personal data): DESIGN §1, victims.stats.
CASE_STATS = frozenset({"provider", "desk", "agency", "insurer"})

# URL name → access
PAGES: dict[str, object] = {
    # Rights requests: the business that received them (its own cases) and the desk; the hospital its forwarded ones.
    "rights:case": Access({"provider", "desk"}, VIEWER),
    "rights:new": Access({"provider", "desk"}, STAFF),
    "rights:detail": Access({"provider", "desk"}, VIEWER),
    "rights:letter": Access({"provider", "desk"}, VIEWER),
    "rights:disclosure": POST_ONLY,
    "rights:action": POST_ONLY,
    "rights:hospital_list": Access({"hospital"}, VIEWER),
    "rights:hospital_detail": Access({"hospital"}, VIEWER),
    "rights:hospital_action": POST_ONLY,
    "rights:report": Access({"provider", "desk", "agency"}, VIEWER),
    # Victims: aggregates for provider, desk, agency, insurer; the list's pages for its provider; personal data
    # (the look-up) for the provider's staff and the desk's staff while the provider grants it (the world does).
    "victims:index": Access(CASE_STATS, VIEWER),
    "victims:case": Access(CASE_STATS, VIEWER),
    "victims:gifts": Access(CASE_STATS, VIEWER),
    "victims:inquiries": Access(CASE_STATS, VIEWER),
    "victims:settings": Access({"provider"}, VIEWER),
    "victims:apply": Access({"provider"}, VIEWER),
    "victims:imports": Access({"provider"}, VIEWER),
    "victims:import_detail": Access({"provider"}, VIEWER),
    "victims:import_progress": Access({"provider"}, VIEWER),
    "victims:letters": Access({"provider"}, VIEWER),
    "victims:letter_preview": Access({"provider"}, STAFF),
    "victims:letter_run": Access({"provider"}, VIEWER),
    "victims:letter_run_progress": Access({"provider"}, VIEWER),
    "victims:lookup": Access({"provider", "desk"}, STAFF),
    "victims:import_new": POST_ONLY,
    "victims:import_map": POST_ONLY,
    "victims:import_confirm": POST_ONLY,
    "victims:import_cancel": POST_ONLY,
    "victims:letter_run_new": POST_ONLY,
    "victims:letter_download": POST_ONLY,
    "victims:letter_sent": POST_ONLY,
    "victims:gifts_plan": POST_ONLY,
    "victims:gifts_shipped": POST_ONLY,
    "victims:gifts_returns": POST_ONLY,
    "victims:inquiry_done": POST_ONLY,
    "victims:public_inquiry": PUBLIC,
    "victims:public_rights_request": PUBLIC,
    "enrolment:index": Access({"provider", "agency", "foundation"}, VIEWER),
    "enrolment:quotes": Access({"provider", "agency"}, VIEWER),
    "enrolment:quote_new": Access({"provider", "agency"}, STAFF),
    "enrolment:quote_detail": Access({"provider", "agency"}, VIEWER),
    "enrolment:quote_pdf": Access({"provider", "agency"}, VIEWER),
    "enrolment:quote_decline": POST_ONLY,
    "enrolment:application_start": POST_ONLY,
    "enrolment:applications": Access({"provider", "agency"}, VIEWER),
    "enrolment:application_detail": Access({"provider", "agency"}, VIEWER),
    "enrolment:application_edit": Access({"provider", "agency"}, STAFF),
    "enrolment:application_submit": POST_ONLY,
    "enrolment:application_review": POST_ONLY,
    "enrolment:application_withdraw": POST_ONLY,
    "enrolment:application_pdf": Access({"provider", "agency"}, VIEWER),
    "enrolment:overpayment_resolve": POST_ONLY,
    "enrolment:policies": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "enrolment:policy_detail": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "enrolment:policy_certificate": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "enrolment:policy_cancel": POST_ONLY,
    "enrolment:funnel": Access({"agency"}, VIEWER),
    "enrolment:export": Access({"agency"}, STAFF),
    "enrolment:payments": Access({"agency"}, VIEWER),
    "enrolment:deposit_upload": POST_ONLY,
    "enrolment:deposit_match": NO_FIXTURE,
    "enrolment:deposit_unmatch": NO_FIXTURE,
    "enrolment:deposit_ignore": NO_FIXTURE,
    "enrolment:roster": Access({"agency", "foundation"}, VIEWER),
    "enrolment:roster_upload": POST_ONLY,
    "enrolment:roster_import": Access({"foundation"}, STAFF),
    "enrolment:roster_entry": Access({"agency", "foundation"}, VIEWER),
    "enrolment:statistics": Access({"agency", "foundation"}, VIEWER),
    "selfcheck:index": Access({"provider"}, VIEWER),
    "selfcheck:check": Access({"provider"}, STAFF),
    "selfcheck:check_detail": Access({"provider"}, VIEWER),
    "selfcheck:check_pdf": Access({"provider"}, VIEWER),
    "selfcheck:history": Access({"provider"}, VIEWER),
    "selfcheck:vendor_checklist": Access({"provider"}, VIEWER),
    "selfcheck:vendor_checklist_new": Access({"provider"}, STAFF),
    "selfcheck:vendor_checklist_detail": Access({"provider"}, VIEWER),
    "selfcheck:vendor_checklist_xlsx": Access({"provider"}, VIEWER),
    "selfcheck:vendor_checklist_pdf": Access({"provider"}, VIEWER),
    "selfcheck:exposure": Access({"provider"}, STAFF),
    "selfcheck:exposure_detail": Access({"provider"}, VIEWER),
    "selfcheck:bcp": Access({"provider"}, VIEWER),
    "selfcheck:bcp_start": POST_ONLY,
    "selfcheck:bcp_steps": Access({"provider"}, STAFF),
    "selfcheck:bcp_edit": Access({"provider"}, STAFF),
    "selfcheck:bcp_transition": POST_ONLY,
    "selfcheck:bcp_review": POST_ONLY,
    "selfcheck:bcp_pdf": Access({"provider"}, VIEWER),
    "selfcheck:symptoms": Access(ALL, VIEWER),
    "incidents:list": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "incidents:report": Access({"provider"}, STAFF),
    "incidents:queue": Access({"desk"}, VIEWER),
    "incidents:intake": Access({"desk"}, STAFF),
    "incidents:provider_search": Access({"desk"}, STAFF),
    "incidents:hospital_notices": Access({"hospital"}, VIEWER),
    "incidents:hospital_notice": Access({"hospital"}, VIEWER),
    "incidents:hospital_notice_ack": POST_ONLY,
    "incidents:hospital_notice_pdf": Access({"hospital"}, VIEWER),
    "incidents:vendors": Access({"desk"}, VIEWER),
    "incidents:vendor_edit": NO_FIXTURE,
    "incidents:detail": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "incidents:reported": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "incidents:facts": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "incidents:triage": Access({"desk"}, STAFF),
    "incidents:transition": POST_ONLY,
    "incidents:timeline": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "incidents:note_add": POST_ONLY,
    "incidents:call_add": POST_ONLY,
    "incidents:timeline_pdf": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "incidents:tasks": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "incidents:task_create": POST_ONLY,
    "incidents:task_edit": Access({"provider", "desk"}, STAFF),
    "incidents:evidence": Access({"provider", "desk"}, STAFF),
    "incidents:evidence_upload": POST_ONLY,
    "incidents:evidence_download": NO_FIXTURE,
    "incidents:case_vendors": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "incidents:dispatch": POST_ONLY,
    "incidents:notices": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "incidents:notice_create": POST_ONLY,
    "incidents:notice_edit": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "incidents:notice_send": POST_ONLY,
    "incidents:notice_pdf": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "duties:explain": Access(ALL, VIEWER),
    "duties:case": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "duties:confirm": POST_ONLY,
    "duties:refresh": POST_ONLY,
    "duties:mark_done": POST_ONLY,
    "duties:mark_undone": POST_ONLY,
    "duties:version": Access({"provider", "desk"}, VIEWER),
    "duties:diff": NOBODY,
    "duties:draft": Access({"provider", "desk"}, STAFF),
    "claims:list": Access({"provider", "agency", "insurer"}, VIEWER),
    "claims:queue": Access({"insurer"}, VIEWER),
    "claims:approvals": Access({"provider", "insurer"}, VIEWER),
    "claims:approval_detail": Access({"provider", "insurer"}, VIEWER),
    "claims:approval_decide": POST_ONLY,
    "claims:approval_withdraw": POST_ONLY,
    "claims:attachment": Access({"provider", "insurer"}, STAFF),
    "claims:expenses": Access({"provider", "insurer"}, VIEWER),
    "claims:expense_create": Access({"provider"}, STAFF),
    "claims:expense_edit": Access({"provider", "insurer"}, VIEWER),
    "claims:expense_delete": POST_ONLY,
    "claims:expense_attach": POST_ONLY,
    "claims:expenses_xlsx": Access({"provider", "insurer"}, STAFF),
    "claims:approval_request": Access({"provider"}, STAFF),
    "claims:claim_create": POST_ONLY,
    "claims:coverage": Access({"provider", "agency", "insurer"}, VIEWER),
    "claims:detail": Access({"provider", "agency", "insurer"}, VIEWER),
    "claims:transition": POST_ONLY,
    "claims:decide": Access({"insurer"}, STAFF),
    "claims:pay": POST_ONLY,
    "claims:pdf": Access({"provider", "insurer"}, STAFF),
    "claims:xlsx": Access({"provider", "insurer"}, STAFF),
    "hospitals:dashboard": Access({"provider", "hospital"}, VIEWER),
    "hospitals:contractors": Access({"hospital"}, VIEWER),
    "hospitals:contractors_export": Access({"hospital"}, STAFF),
    "hospitals:contractor": Access({"hospital"}, VIEWER),
    "hospitals:contractor_end": POST_ONLY,
    "hospitals:link_respond": POST_ONLY,
    "hospitals:checklist_request": POST_ONLY,
    "hospitals:sites": Access({"hospital"}, VIEWER),
    "hospitals:site_toggle": POST_ONLY,
    "hospitals:invitation": NOBODY,
    "hospitals:notices": Access({"hospital"}, VIEWER),
    "hospitals:notice": Access({"hospital"}, VIEWER),
    "hospitals:notice_ack": POST_ONLY,
    "hospitals:notice_joint": POST_ONLY,
    "hospitals:notice_questions": Access({"hospital"}, VIEWER),
    "hospitals:notice_answer": POST_ONLY,
    "hospitals:notice_draft": Access({"hospital"}, VIEWER),
    "hospitals:notice_draft_pdf": Access({"hospital"}, STAFF),
    "hospitals:links": Access({"provider"}, VIEWER),
    "hospitals:link_new": Access({"provider"}, STAFF),
    "hospitals:invitation_new": Access({"provider"}, STAFF),
    "hospitals:link": Access({"provider"}, VIEWER),
    "hospitals:link_end": POST_ONLY,
    "hospitals:invitation_cancel": NO_FIXTURE,
    "hospitals:case_questions": Access({"provider"}, VIEWER),
    "hospitals:case_answer": POST_ONLY,
    "hospitals:case_joint": POST_ONLY,
    "webhooks:list": Access(ALL, ADMIN),
    "webhooks:create": Access(ALL, ADMIN),
    "webhooks:detail": Access({"provider"}, ADMIN),
    "webhooks:edit": Access({"provider"}, ADMIN),
    "webhooks:test": POST_ONLY,
    "webhooks:rotate_secret": POST_ONLY,
    "webhooks:delete": POST_ONLY,
    "webhooks:delivery": NO_FIXTURE,
    "webhooks:redeliver": NO_FIXTURE,
    "core:home": Access(ALL, VIEWER),
    "core:dashboard": Access(ALL, VIEWER),
    "core:switch_org": POST_ONLY,
    "core:settings": Access(ALL, VIEWER),
    "core:api_tokens": Access(ALL, ADMIN),
    "core:api_token_revoke": POST_ONLY,
    # The organisation's audit log: its admins; the foundation holds no personal data and has none to read.
    "core:audit_log": Access(ALL - {"foundation"}, ADMIN),
    "core:notifications": Access(ALL, VIEWER),
    "core:notification_read": POST_ONLY,
    "core:notifications_read_all": POST_ONLY,
}

# API operation id → access
API: dict[str, object] = {
    # API completeness (issue 9 point 1): work on a case, duties, victims import status / letter runs / inquiries.
    "sonae_incidents_api_work_task_detail": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "sonae_incidents_api_work_case_notice_list": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "sonae_incidents_api_work_case_notice_detail": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "sonae_hospitals_api_notice_acknowledge": WRITE,  # POST /api/v1/hospitals/notices/{notice_id}/acknowledge
    "sonae_enrolment_api_quote_decline": WRITE,  # POST /api/v1/enrolment/quotes/{quote_id}/decline
    "sonae_enrolment_api_application_review": WRITE,  # POST /api/v1/enrolment/applications/{application_id}/review
    "sonae_enrolment_api_application_withdraw": WRITE,  # POST …/applications/{application_id}/withdraw
    "sonae_enrolment_api_policy_cancel": WRITE,  # POST /api/v1/enrolment/policies/{policy_id}/cancel
    "sonae_claims_api_approval_withdraw": WRITE,  # POST /api/v1/approvals/{approval_id}/withdraw
    "sonae_incidents_api_work_evidence_list": Access({"provider", "desk"}, STAFF),
    "sonae_incidents_api_work_evidence_detail": NO_FIXTURE,  # the demo has no evidence (own tests check scoping)
    # The desk's queue, intake search and vendor directory; a case's dispatches and documents (as the pages).
    "sonae_incidents_api_desk_queue": Access({"desk"}, VIEWER),
    "sonae_incidents_api_desk_provider_search": Access({"desk"}, STAFF),
    "sonae_incidents_api_vendors_vendor_list": Access({"desk"}, VIEWER),
    "sonae_incidents_api_vendors_vendor_detail": Access({"desk"}, VIEWER),
    "sonae_incidents_api_vendors_dispatch_list": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "sonae_incidents_api_documents_notice_pdf": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "sonae_incidents_api_documents_timeline_pdf": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "sonae_incidents_api_documents_evidence_custody": NO_FIXTURE,  # the demo has no evidence (own tests check it)
    "sonae_incidents_api_desk_assignees": Access({"provider", "desk"}, STAFF),
    "sonae_incidents_api_documents_hospital_notice_pdf": Access({"hospital"}, VIEWER),
    "sonae_incidents_api_desk_task_owner_set": WRITE,  # PUT /api/v1/incidents/{reference}/tasks/{task_id}/owner
    "sonae_incidents_api_desk_intake": WRITE,  # POST /api/v1/desk/intake
    "sonae_incidents_api_desk_facts_update": WRITE,  # PATCH /api/v1/incidents/{reference}/facts
    "sonae_incidents_api_desk_incident_triage": WRITE,  # POST /api/v1/incidents/{reference}/triage
    "sonae_incidents_api_vendors_vendor_create": WRITE,  # POST /api/v1/vendors
    "sonae_incidents_api_vendors_vendor_update": WRITE,  # PATCH /api/v1/vendors/{vendor_id}
    "sonae_incidents_api_vendors_dispatch_create": WRITE,  # POST /api/v1/incidents/{reference}/dispatches
    "sonae_incidents_api_documents_notice_create": WRITE,  # POST /api/v1/incidents/{reference}/notices
    "sonae_incidents_api_documents_notice_update": WRITE,  # PUT …/notices/{notice_id}
    "sonae_incidents_api_documents_notice_send": WRITE,  # POST …/notices/{notice_id}/send
    # POST …/evidence/{evidence_id}/download (a personal-data export with a reason)
    "sonae_incidents_api_documents_evidence_download": WRITE,
    "sonae_duties_api_case_duties_version": Access({"provider", "desk"}, VIEWER),
    "sonae_duties_api_case_duty_items": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    # The rest of the 法的対応 tab: drafts for the provider's and the desk's staff (as the draft page), the diff as
    # the diff page (the world's cases have one version: nobody gets a diff), the explanation for everybody.
    "sonae_duties_api_documents_case_duties_diff": NOBODY,
    "sonae_duties_api_documents_draft_list": Access({"provider", "desk"}, STAFF),
    "sonae_duties_api_documents_draft_detail": Access({"provider", "desk"}, STAFF),
    "sonae_duties_api_documents_duties_explain": Access(ALL, VIEWER),
    "sonae_duties_api_documents_case_duties_refresh": WRITE,  # POST /api/v1/incidents/{reference}/duties/refresh
    "sonae_duties_api_documents_draft_export": WRITE,  # POST …/duties/drafts/{kind}/export (PDF or DOCX)
    # The insurer's work queue and the claims pages' files (claim pack, Excel, attachments), as the pages.
    "sonae_claims_api_files_work_queue": Access({"insurer"}, VIEWER),
    "sonae_claims_api_files_claim_pdf": Access({"provider", "insurer"}, STAFF),
    "sonae_claims_api_files_claim_xlsx": Access({"provider", "insurer"}, STAFF),
    "sonae_claims_api_files_case_expenses_xlsx": Access({"provider", "insurer"}, STAFF),
    "sonae_claims_api_files_attachment_download": Access({"provider", "insurer"}, STAFF),
    "sonae_claims_api_files_approval_attach": WRITE,  # POST /api/v1/approvals/{approval_id}/attachments (multipart)
    # Import status and letter runs: the case's provider; the other kinds that see the case get an empty list.
    "sonae_victims_api_import_list": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "sonae_victims_api_import_detail": Access({"provider"}, VIEWER),
    "sonae_victims_api_letter_run_list": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "sonae_victims_api_letter_run_detail": Access({"provider"}, VIEWER),
    # Inquiries hold personal data: the provider and the desk it granted access (granted in the world).
    "sonae_victims_api_inquiry_list": Access({"provider", "desk"}, STAFF),
    # The work on a victims list (imports, letters, gifts): the case's provider, as the pages; everybody else 404.
    "sonae_victims_api_imports_import_mapping": Access({"provider"}, VIEWER),
    "sonae_victims_api_imports_import_issues": Access({"provider"}, VIEWER),
    "sonae_victims_api_letters_letter_template": Access({"provider"}, VIEWER),
    "sonae_victims_api_letters_letter_preview_pdf": Access({"provider"}, STAFF),
    # The gift settings and totals (no personal data) for every reader of the case's statistics, as the page.
    "sonae_victims_api_gifts_gifts": Access(CASE_STATS, VIEWER),
    # The case settings and the list's figures for the incident: the case's provider, as the pages; the inquiries per
    # day (no personal data) for every reader of the case's statistics.
    "sonae_victims_api_case_case_list": Access(CASE_STATS, VIEWER),
    "sonae_victims_api_case_settings": Access({"provider"}, VIEWER),
    "sonae_victims_api_case_incident_facts": Access({"provider"}, VIEWER),
    "sonae_victims_api_case_inquiry_statistics": Access(CASE_STATS, VIEWER),
    "sonae_victims_api_case_desk_access_set": WRITE,  # PUT …/settings/desk-access (the provider's admin)
    "sonae_victims_api_case_self_service_set": WRITE,  # PUT /api/v1/victims/{reference}/settings/self-service
    "sonae_victims_api_case_incident_facts_apply": WRITE,  # POST …/incident-facts/apply (the confirmed figures)
    "sonae_victims_api_case_inquiry_done": WRITE,  # POST /api/v1/victims/{reference}/inquiries/{inquiry_id}/done
    "sonae_victims_api_imports_import_upload": WRITE,  # POST /api/v1/victims/{reference}/imports (multipart)
    "sonae_victims_api_imports_import_mapping_set": WRITE,  # PUT …/imports/{import_id}/mapping
    "sonae_victims_api_imports_import_validate": WRITE,  # POST …/imports/{import_id}/validate
    "sonae_victims_api_imports_import_duplicates": WRITE,  # PUT …/imports/{import_id}/duplicates
    "sonae_victims_api_imports_import_confirm": WRITE,  # POST …/imports/{import_id}/confirm
    "sonae_victims_api_imports_import_cancel": WRITE,  # POST …/imports/{import_id}/cancel
    "sonae_victims_api_letters_letter_template_set": WRITE,  # PUT /api/v1/victims/{reference}/letters/template
    "sonae_victims_api_letters_letter_run_start": WRITE,  # POST /api/v1/victims/{reference}/letter-runs
    # POST …/letter-runs/{run_id}/batches/{number}/download (a personal-data export with a reason)
    "sonae_victims_api_letters_letter_batch_download": WRITE,
    "sonae_victims_api_letters_letter_batch_sent": WRITE,  # POST …/letter-runs/{run_id}/batches/{number}/sent
    "sonae_victims_api_gifts_gifts_set": WRITE,  # PUT /api/v1/victims/{reference}/gifts
    "sonae_victims_api_gifts_gifts_recipients": WRITE,  # POST /api/v1/victims/{reference}/gifts/recipients
    "sonae_victims_api_gifts_gifts_shipped": WRITE,  # POST /api/v1/victims/{reference}/gifts/shipped
    "sonae_victims_api_gifts_gifts_returns": WRITE,  # POST /api/v1/victims/{reference}/gifts/returns (multipart)
    # API completeness (issue 9): rights lists paged, the self-check / vendor checklist / exposure / cyber-BCP pages,
    # and the hospital-contractor conversation on a notified case, from both sides.
    "sonae_rights_api_request_report": Access({"provider", "desk"}, VIEWER),
    "sonae_rights_api_forwarded_detail": Access({"hospital"}, VIEWER),
    "sonae_rights_api_request_close": WRITE,  # POST /api/v1/incidents/{reference}/rights-requests/{pk}/close
    # API completeness (issue 9): a rights request's reply letter and disclosure package, the hospital's drafts on a
    # notified case, a roster entry's change history (as the pages).
    "sonae_rights_api_request_reply_letter": Access({"provider", "desk"}, VIEWER),
    "sonae_rights_api_request_disclosure": WRITE,  # POST …/rights-requests/{pk}/disclosure (a personal-data export)
    "sonae_hospitals_api_drafts_notice_draft_list": Access({"hospital"}, VIEWER),
    "sonae_hospitals_api_drafts_notice_draft": Access({"hospital"}, VIEWER),
    "sonae_hospitals_api_drafts_notice_draft_pdf": Access({"hospital"}, STAFF),
    "sonae_enrolment_api_roster_entry_history": Access({"agency", "foundation"}, VIEWER),
    "sonae_selfcheck_api_overview": Access({"provider"}, VIEWER),
    "sonae_selfcheck_api_check_pdf": Access({"provider"}, VIEWER),
    "sonae_selfcheck_api_estimate_list": Access({"provider"}, VIEWER),
    "sonae_selfcheck_api_estimate_detail": Access({"provider"}, VIEWER),
    "sonae_selfcheck_api_vendor_checklist_items": Access(ALL, VIEWER),
    "sonae_selfcheck_api_vendor_checklist_list": Access({"provider"}, VIEWER),
    "sonae_selfcheck_api_vendor_checklist_detail": Access({"provider"}, VIEWER),
    "sonae_selfcheck_api_vendor_checklist_xlsx": Access({"provider"}, VIEWER),
    "sonae_selfcheck_api_vendor_checklist_pdf": Access({"provider"}, VIEWER),
    "sonae_selfcheck_api_vendor_checklist_submit": WRITE,  # POST /api/v1/selfcheck/vendor-checklists
    "sonae_selfcheck_api_bcp_guide": Access(ALL, VIEWER),
    "sonae_selfcheck_api_bcp_plan_detail": Access({"provider"}, VIEWER),
    "sonae_selfcheck_api_bcp_plan_pdf": Access({"provider"}, VIEWER),
    "sonae_selfcheck_api_bcp_plan_start": WRITE,  # POST /api/v1/selfcheck/bcp
    "sonae_selfcheck_api_bcp_contacts_update": WRITE,  # PUT /api/v1/selfcheck/bcp/contacts
    "sonae_selfcheck_api_bcp_systems_update": WRITE,  # PUT /api/v1/selfcheck/bcp/systems
    "sonae_selfcheck_api_bcp_paper_operations_update": WRITE,  # PUT /api/v1/selfcheck/bcp/paper-operations
    "sonae_selfcheck_api_bcp_backups_update": WRITE,  # PUT /api/v1/selfcheck/bcp/backups
    "sonae_selfcheck_api_bcp_drills_update": WRITE,  # PUT /api/v1/selfcheck/bcp/drills
    "sonae_selfcheck_api_bcp_steps_update": WRITE,  # PUT /api/v1/selfcheck/bcp/steps
    "sonae_selfcheck_api_bcp_plan_status": WRITE,  # POST /api/v1/selfcheck/bcp/status
    "sonae_selfcheck_api_bcp_plan_review": WRITE,  # POST /api/v1/selfcheck/bcp/review
    "sonae_hospitals_api_cases_notice_questions": Access({"hospital"}, VIEWER),
    "sonae_hospitals_api_cases_case_questions": Access({"provider"}, VIEWER),
    "sonae_hospitals_api_cases_case_joint_list": Access({"provider"}, VIEWER),
    "sonae_hospitals_api_cases_notice_question_post": WRITE,  # POST /api/v1/hospitals/notices/{notice_id}/questions
    "sonae_hospitals_api_cases_notice_answer_post": WRITE,  # POST …/notices/{notice_id}/questions/{thread_id}/answers
    "sonae_hospitals_api_cases_notice_joint": WRITE,  # PUT /api/v1/hospitals/notices/{notice_id}/joint-report
    "sonae_hospitals_api_cases_case_question_post": WRITE,  # POST /api/v1/hospitals/cases/{reference}/questions
    "sonae_hospitals_api_cases_case_answer_post": WRITE,  # POST …/cases/{reference}/questions/{thread_id}/answers
    "sonae_hospitals_api_cases_case_joint": WRITE,  # PUT …/cases/{reference}/joint-reports/{hospital_code}
    "sonae_incidents_api_work_task_create": WRITE,  # POST /api/v1/incidents/{reference}/tasks
    "sonae_incidents_api_work_task_update": WRITE,  # PATCH /api/v1/incidents/{reference}/tasks/{task_id}
    "sonae_incidents_api_work_note_add": WRITE,  # POST /api/v1/incidents/{reference}/timeline/notes
    "sonae_incidents_api_work_call_add": WRITE,  # POST /api/v1/incidents/{reference}/timeline/calls
    "sonae_incidents_api_work_incident_transition": WRITE,  # POST /api/v1/incidents/{reference}/transition
    "sonae_incidents_api_work_evidence_upload": WRITE,  # POST /api/v1/incidents/{reference}/evidence
    "sonae_duties_api_duty_done": WRITE,  # POST /api/v1/incidents/{reference}/duties/items/{kind}/done
    "sonae_duties_api_duty_undone": WRITE,  # POST /api/v1/incidents/{reference}/duties/items/{kind}/undone
    "sonae_duties_api_case_duties_confirm": WRITE,  # POST /api/v1/incidents/{reference}/duties/confirm
    "sonae_api_core_me": Access(ALL, VIEWER),
    # The organisation's settings page, its API tokens (admins) and the signed-in user's notifications.
    "sonae_api_core_organisation": Access(ALL, VIEWER),
    "sonae_api_core_api_token_list": Access(ALL, ADMIN),
    "sonae_api_core_notification_list": Access(ALL, VIEWER),
    "sonae_api_core_api_token_create": WRITE,  # POST /api/v1/api-tokens (from a session only)
    "sonae_api_core_api_token_revoke": WRITE,  # POST /api/v1/api-tokens/{token_id}/revoke
    "sonae_api_core_notification_read": WRITE,  # POST /api/v1/notifications/{notification_id}/read
    "sonae_api_core_notifications_read_all": WRITE,  # POST /api/v1/notifications/read-all
    "sonae_enrolment_api_windows": Access(ALL, VIEWER),
    # The agency's back office, payments and the roster (as their pages), and the enrolment PDFs.
    "sonae_enrolment_api_backoffice_funnel": Access({"agency"}, VIEWER),
    "sonae_enrolment_api_backoffice_statistics": Access({"agency", "foundation"}, VIEWER),
    "sonae_enrolment_api_backoffice_export": Access({"agency"}, STAFF),
    "sonae_enrolment_api_payments_deposit_list": Access({"agency"}, VIEWER),
    "sonae_enrolment_api_payments_unpaid_application_list": Access({"agency"}, VIEWER),
    "sonae_enrolment_api_payments_deposit_import_list": Access({"agency"}, VIEWER),
    "sonae_enrolment_api_roster_eligibility": Access({"provider"}, VIEWER),  # the agency names a provider
    "sonae_enrolment_api_roster_entry_list": Access({"agency", "foundation"}, VIEWER),
    "sonae_enrolment_api_roster_entry_detail": Access({"agency", "foundation"}, VIEWER),
    "sonae_enrolment_api_roster_import_list": Access({"agency", "foundation"}, STAFF),
    "sonae_enrolment_api_roster_import_detail": Access({"foundation"}, STAFF),  # the foundation's upload
    "sonae_enrolment_api_documents_quote_pdf": Access({"provider", "agency"}, VIEWER),
    "sonae_enrolment_api_documents_application_pdf": Access({"provider", "agency"}, VIEWER),
    "sonae_enrolment_api_documents_policy_certificate": Access(
        {"provider", "agency", "insurer", "desk"}, VIEWER
    ),
    "sonae_enrolment_api_payments_deposit_import": WRITE,  # POST /api/v1/enrolment/deposit-imports (multipart)
    "sonae_enrolment_api_payments_deposit_match": WRITE,  # POST /api/v1/enrolment/deposits/{deposit_id}/match
    "sonae_enrolment_api_payments_deposit_unmatch": WRITE,  # POST /api/v1/enrolment/deposits/{deposit_id}/unmatch
    "sonae_enrolment_api_payments_deposit_ignore": WRITE,  # POST /api/v1/enrolment/deposits/{deposit_id}/ignore
    "sonae_enrolment_api_payments_overpayment_resolve": WRITE,  # POST …/applications/{application_id}/overpayment
    "sonae_enrolment_api_roster_import_upload": WRITE,  # POST /api/v1/enrolment/roster-imports (multipart)
    "sonae_enrolment_api_roster_import_commit": WRITE,  # POST …/roster-imports/{roster_import_id}/commit
    "sonae_enrolment_api_roster_import_discard": WRITE,  # POST …/roster-imports/{roster_import_id}/discard
    "sonae_enrolment_api_quote_list": Access(ALL, VIEWER),
    "sonae_enrolment_api_quote_detail": Access({"provider", "agency"}, VIEWER),
    "sonae_enrolment_api_application_list": Access(ALL, VIEWER),
    "sonae_enrolment_api_application_detail": Access({"provider", "agency"}, VIEWER),
    "sonae_enrolment_api_policy_list": Access(ALL, VIEWER),
    "sonae_enrolment_api_policy_detail": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "sonae_selfcheck_api_questions": Access(ALL, VIEWER),
    "sonae_selfcheck_api_check_list": Access(ALL, VIEWER),
    "sonae_selfcheck_api_check_detail": Access({"provider"}, VIEWER),
    "sonae_selfcheck_api_data_items": Access(ALL, VIEWER),
    "sonae_selfcheck_api_symptoms": Access(ALL, VIEWER),
    "sonae_incidents_api_incident_list": Access(ALL, VIEWER),
    "sonae_incidents_api_incident_detail": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "sonae_incidents_api_incident_timeline": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "sonae_incidents_api_incident_tasks": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "sonae_duties_api_case_duties": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "sonae_duties_api_case_duties_versions": Access({"provider", "desk"}, VIEWER),
    "sonae_claims_api_expense_list": Access({"provider", "insurer"}, VIEWER),
    "sonae_claims_api_expense_detail": Access({"provider", "insurer"}, VIEWER),
    "sonae_claims_api_approval_list": Access({"provider", "insurer"}, VIEWER),
    "sonae_claims_api_approval_detail": Access({"provider", "insurer"}, VIEWER),
    "sonae_claims_api_claim_list": Access({"provider", "agency", "insurer"}, VIEWER),
    "sonae_claims_api_claim_detail": Access({"provider", "agency", "insurer"}, VIEWER),
    "sonae_claims_api_coverage_incident_coverage": Access({"provider", "agency", "insurer", "desk"}, VIEWER),
    "sonae_hospitals_api_contractor_list": Access({"hospital"}, VIEWER),
    "sonae_hospitals_api_contractor_detail": Access({"hospital"}, VIEWER),
    "sonae_hospitals_api_notice_list": Access({"hospital"}, VIEWER),
    "sonae_hospitals_api_notice_detail": Access({"hospital"}, VIEWER),
    "sonae_hospitals_api_link_list": Access({"provider"}, VIEWER),
    "sonae_rights_api_request_list": Access({"provider", "desk"}, VIEWER),
    "sonae_rights_api_request_detail": Access({"provider", "desk"}, VIEWER),
    "sonae_rights_api_forwarded_list": Access(ALL, VIEWER),  # the hospital's forwarded ones, empty for others
    "sonae_rights_api_year_report": Access({"provider", "desk", "agency"}, VIEWER),
    "sonae_victims_api_statistics": Access(CASE_STATS, VIEWER),
    "sonae_victims_api_condolence": Access(CASE_STATS, VIEWER),
    "sonae_victims_api_lookup": WRITE,  # POST /api/v1/victims/{reference}/lookup (a query with a reason)
    "sonae_victims_api_inquiry_add": WRITE,  # POST /api/v1/victims/{reference}/inquiries
    "sonae_webhooks_api_event_types": Access(ALL, VIEWER),
    "sonae_webhooks_api_endpoint_list": Access(ALL, ADMIN),
    "sonae_webhooks_api_endpoint_detail": Access({"provider"}, ADMIN),
    "sonae_webhooks_api_endpoint_deliveries": Access({"provider"}, ADMIN),
    "sonae_webhooks_api_delivery_detail": NO_FIXTURE,
    "sonae_api_rules_duties_assess": WRITE,  # POST /api/v1/duties/assess
    "sonae_api_rules_claims_calculate": WRITE,  # POST /api/v1/claims/calculate
    "sonae_enrolment_api_quote_create": WRITE,  # POST /api/v1/enrolment/quotes
    "sonae_enrolment_api_application_create": WRITE,  # POST /api/v1/enrolment/applications
    "sonae_enrolment_api_application_update": WRITE,  # PATCH /api/v1/enrolment/applications/{application_id}
    "sonae_enrolment_api_application_submit": WRITE,  # POST /api/v1/enrolment/applications/{application_id}/submit
    "sonae_selfcheck_api_check_submit": WRITE,  # POST /api/v1/selfcheck/checks
    "sonae_selfcheck_api_exposure": WRITE,  # POST /api/v1/selfcheck/exposure
    "sonae_incidents_api_incident_create": WRITE,  # POST /api/v1/incidents
    "sonae_duties_api_case_duties_assess": WRITE,  # POST /api/v1/incidents/{reference}/duties
    "sonae_claims_api_expense_create": WRITE,  # POST /api/v1/expenses
    "sonae_claims_api_expense_update": WRITE,  # PATCH /api/v1/expenses/{expense_id}
    "sonae_claims_api_expense_delete": WRITE,  # DELETE /api/v1/expenses/{expense_id}
    "sonae_claims_api_expense_attach": WRITE,  # POST /api/v1/expenses/{expense_id}/attachments
    "sonae_claims_api_approval_create": WRITE,  # POST /api/v1/approvals
    "sonae_claims_api_approval_decision": WRITE,  # POST /api/v1/approvals/{approval_id}/decision
    "sonae_claims_api_claim_create": WRITE,  # POST /api/v1/claims
    "sonae_claims_api_claim_transition": WRITE,  # POST /api/v1/claims/{number}/transition
    "sonae_claims_api_claim_payment": WRITE,  # POST /api/v1/claims/{number}/payment
    "sonae_hospitals_api_link_create": WRITE,  # POST /api/v1/hospitals/links
    "sonae_hospitals_api_link_consent": WRITE,  # PUT /api/v1/hospitals/links/{link_id}/consent
    "sonae_rights_api_request_create": WRITE,  # POST /api/v1/incidents/{reference}/rights-requests
    "sonae_rights_api_request_verify": WRITE,  # POST /api/v1/incidents/{reference}/rights-requests/{pk}/verify
    "sonae_rights_api_request_decide": WRITE,  # POST /api/v1/incidents/{reference}/rights-requests/{pk}/decide
    "sonae_rights_api_request_reply": WRITE,  # POST /api/v1/incidents/{reference}/rights-requests/{pk}/reply
    "sonae_rights_api_forwarded_decide": WRITE,  # POST /api/v1/rights/forwarded/{pk}/decide
    "sonae_rights_api_forwarded_reply": WRITE,  # POST /api/v1/rights/forwarded/{pk}/reply
    "sonae_webhooks_api_endpoint_create": WRITE,  # POST /api/v1/webhooks/endpoints
    "sonae_webhooks_api_endpoint_update": WRITE,  # PATCH /api/v1/webhooks/endpoints/{endpoint_id}
    "sonae_webhooks_api_endpoint_delete": WRITE,  # DELETE /api/v1/webhooks/endpoints/{endpoint_id}
    "sonae_webhooks_api_endpoint_rotate_secret": WRITE,  # POST /api/v1/webhooks/endpoints/{endpoint_id}/secret
    "sonae_webhooks_api_endpoint_test": WRITE,  # POST /api/v1/webhooks/endpoints/{endpoint_id}/test
    "sonae_webhooks_api_delivery_redeliver": WRITE,  # POST /api/v1/webhooks/deliveries/{delivery_id}/redeliver
}
