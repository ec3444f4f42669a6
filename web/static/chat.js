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
});
