// The interference form's person picker: what is typed is searched (at most 20 people: name, agency, post) and
// shown as a list of buttons; choosing one fills the field with the name and the hidden id with the account.
// Typing again forgets the choice. Without this script the field takes an exact username, checked on the server.
(function () {
  "use strict";
  const input = document.querySelector("input[data-picker=person]");
  if (!input || !window.fetch) return;
  const hidden = input.form.querySelector("input[name=person_user_id]");
  const status = document.getElementById("person-picker-status");
  const list = document.getElementById("person-picker-results");
  if (!hidden || !status || !list) return;
  let timer = null;
  let pending = null;

  function tooShort(text) {
    return text.length < (/^[\x00-\x7f]*$/.test(text) ? 2 : 1);
  }

  function clear() {
    list.replaceChildren();
    list.hidden = true;
  }

  function choose(person) {
    input.value = person.name;
    hidden.value = String(person.id);
    clear();
    status.textContent = status.dataset.chosen + [person.name, person.agency, person.post].filter(Boolean).join(" · ");
    input.focus();
  }

  function show(people) {
    clear();
    if (!people.length) {
      status.textContent = status.dataset.none;
      return;
    }
    status.textContent = status.dataset.found.replace("%(n)s", String(people.length));
    people.forEach((person) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = [person.name, person.agency, person.post].filter(Boolean).join(" · ");
      button.addEventListener("click", () => choose(person));
      item.appendChild(button);
      list.appendChild(item);
    });
    list.hidden = false;
  }

  function search(text) {
    if (pending) pending.abort();
    pending = new AbortController();
    const url = input.dataset.pickerUrl + "?q=" + encodeURIComponent(text);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, signal: pending.signal })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((data) => show(data.results || []))
      .catch((error) => {
        if (error && error.name === "AbortError") return;
        clear();
        status.textContent = status.dataset.failed;
      });
  }

  input.addEventListener("input", () => {
    hidden.value = "";  // the text no longer names the person chosen
    window.clearTimeout(timer);
    const text = input.value.trim();
    if (!text) {
      clear();
      status.textContent = "";
      return;
    }
    if (tooShort(text)) {
      clear();
      status.textContent = status.dataset.short;
      return;
    }
    timer = window.setTimeout(() => search(text), 250);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") clear();
    if (event.key === "ArrowDown" && !list.hidden) {
      event.preventDefault();
      const first = list.querySelector("button");
      if (first) first.focus();
    }
  });
})();
