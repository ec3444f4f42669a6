// Small comforts only: the page works the same without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var last = document.querySelectorAll(".bubble.bot");
  if (last.length) last[last.length - 1].scrollIntoView({block: "start"});
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) { event.preventDefault(); return; }  // a second tap waits
      form.dataset.sent = "1";
      form.classList.add("sending");
    });
  });
  document.querySelectorAll('form.photo input[type="file"]').forEach(function (input) {
    input.addEventListener("change", function () {
      if (input.files.length) input.form.requestSubmit();  // no second tap on 上传
    });
  });
  if (document.querySelector("main[data-waiting]")) waitForReading(0);
});

// A photo is being read: ask the page's own server every 2 s and show the reading when it is
// there, so nobody has to reload. After 2 minutes it stops asking; a reload still shows it.
function waitForReading(tries) {
  if (tries > 60) return;
  setTimeout(function () {
    fetch("/news", {credentials: "same-origin", cache: "no-store"})
      .then(function (r) { return r.json(); })
      .then(function (news) {
        if (news.waiting) waitForReading(tries + 1);
        else if (!document.querySelector("form.sending")) location.reload();
      })
      .catch(function () { waitForReading(tries + 1); });
  }, 2000);
}
