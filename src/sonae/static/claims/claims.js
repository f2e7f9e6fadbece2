/*
 * Expense form: choosing a task proposes its coverage item (and its vendor as payee) — the user confirms or
 * changes it. Suggestions come from a JSON data block (json_script), so no inline script is needed (CSP).
 */
(function () {
  "use strict";
  var data = document.getElementById("task-suggestions");
  var task = document.getElementById("id_task");
  var item = document.getElementById("id_item");
  var payee = document.getElementById("id_payee");
  if (!data || !task || !item) {
    return;
  }
  var suggestions = JSON.parse(data.textContent || "{}");
  var hint = document.getElementById("item-suggestion");
  task.addEventListener("change", function () {
    var s = suggestions[task.value];
    if (!s) {
      return;
    }
    if (s.item) {
      item.value = s.item;
      if (hint) {
        hint.textContent = "タスク「" + s.title + "」から費用項目「" + s.label + "」を提案しました。内容に合っているか確認してください。";
      }
    }
    if (payee && !payee.value && s.payee) {
      payee.value = s.payee;
    }
  });
})();
