/*
 * Sonae (備え) — small behaviours for the server-rendered UI. Loaded with `defer`; no inline scripts (CSP).
 *
 * - htmx requests carry the CSRF token from <meta name="csrf-token"> (the cookie is HttpOnly).
 * - <form data-confirm="…"> asks before submitting (e.g. revoking an API token).
 * - <button data-copy-target="#id"> copies the target's value/text and says so in a live region.
 */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // htmx: add the CSRF header to every unsafe request (htmx only sends to this origin: selfRequestsOnly).
  document.addEventListener("htmx:configRequest", function (event) {
    var verb = (event.detail.verb || "get").toLowerCase();
    if (verb !== "get" && verb !== "head") {
      var token = csrfToken();
      if (token) {
        event.detail.headers["X-CSRFToken"] = token;
      }
    }
  });

  // Confirmation before destructive submissions.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) {
      return;
    }
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Copy to clipboard (API token secret, TOTP secret). Falls back to selecting the text.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy-target]") : null;
    if (!button) {
      return;
    }
    var target = document.querySelector(button.getAttribute("data-copy-target"));
    if (!target) {
      return;
    }
    var text = "value" in target ? target.value : target.textContent;
    var status = document.querySelector(button.getAttribute("data-copy-status") || "#copy-status");
    function done(message) {
      if (status) {
        status.textContent = message;
      }
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { done("コピーしました。"); },
        function () { selectText(target); done("選択しました。Ctrl+C（⌘+C）でコピーしてください。"); }
      );
    } else {
      selectText(target);
      done("選択しました。Ctrl+C（⌘+C）でコピーしてください。");
    }
  });

  function selectText(element) {
    if (typeof element.select === "function") {
      element.focus();
      element.select();
      return;
    }
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  // Read-only secrets select themselves on focus so keyboard users can copy them at once.
  document.addEventListener("focusin", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("[data-select-on-focus]") && typeof el.select === "function") {
      el.select();
    }
  });
})();
