// The weekly hours editor works without this file: it only hides each day's blank shift behind an
// "Add a shift" button and greys the shifts of a day ticked Closed.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const day of document.querySelectorAll(".weekly-hours-day")) {
    const closed = day.querySelector(".weekly-hours-closed");
    const add = day.querySelector(".weekly-hours-add");
    const blank = day.querySelector(".weekly-hours-blank");
    const typed = day.querySelectorAll(".weekly-hours-shift:not(.weekly-hours-blank)").length;
    const showClosed = () => day.classList.toggle("is-closed", closed.checked);
    closed.addEventListener("change", () => {
      showClosed();
      // Opening a closed day with no shift yet: its first shift is the blank one.
      if (!closed.checked && blank && blank.hidden) { blank.hidden = false; add.hidden = true; }
    });
    showClosed();
    if (blank && typed > 0) {
      blank.hidden = true;
      add.hidden = false;
      add.addEventListener("click", () => {
        blank.hidden = false;
        add.hidden = true;
        closed.checked = false;
        showClosed();
        blank.querySelector("input").focus();
      });
    }
  }
});
