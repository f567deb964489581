/*
 * Parley web chat widget. Served at /webchat/<public key>/widget.js with its configuration filled in;
 * plain JavaScript with no dependencies. It draws a chat bubble and a panel in a shadow root (so the
 * host page's styles and ours leave each other alone), keeps the visitor's id in localStorage,
 * POSTs each message to Parley and polls Parley for replies.
 */
(function (config) {
  "use strict";

  var script = document.currentScript;
  var loadedFlag = "parleyWebchat:" + config.key;
  if (!script || window[loadedFlag]) return; // the snippet pasted twice draws one widget
  window[loadedFlag] = true;

  var endpoint = new URL("messages", script.src).href;
  var storageKey = "parley-webchat:" + config.key;
  var POLL_WAITING_MS = 1500; // a reply is on its way
  var POLL_OPEN_MS = 4000;
  var POLL_CLOSED_MS = 15000; // staff may still write while the panel is closed
  var POLL_MAX_BACKOFF_MS = 30000;
  var SEND_ATTEMPTS = 5;
  var language = visitorLanguage();
  var texts = config.texts[language];
  var side = config.position === "left" ? "left" : "right";

  var STYLE = [
    ":host { all: initial; --brand: " + config.colour + "; --on-brand: " + config.textColour + "; }",
    "* { box-sizing: border-box; font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; }",
    ".launcher { position: fixed; " + side + ": 20px; bottom: 20px; width: 56px; height: 56px; border: 0;",
    "  border-radius: 50%; background: var(--brand); color: var(--on-brand); cursor: pointer; z-index: 2147483000;",
    "  box-shadow: 0 4px 14px rgba(0,0,0,.25); display: flex; align-items: center; justify-content: center; }",
    ".launcher svg { width: 26px; height: 26px; fill: currentColor; }",
    ".badge { position: absolute; top: 2px; right: 2px; width: 12px; height: 12px; border-radius: 50%;",
    "  background: #ef4444; border: 2px solid #fff; }",
    ".panel { position: fixed; " + side + ": 20px; bottom: 88px; width: 340px; max-width: calc(100vw - 40px);",
    "  height: 460px; max-height: calc(100vh - 110px); background: #fff; border-radius: 14px;",
    "  box-shadow: 0 8px 30px rgba(0,0,0,.25); display: flex; flex-direction: column; overflow: hidden;",
    "  z-index: 2147483000; color: #111827; font-size: 14px; }",
    "[hidden] { display: none !important; }",
    "header { background: var(--brand); color: var(--on-brand); padding: 12px 14px; display: flex; align-items: center; }",
    "header strong { flex: 1; font-size: 15px; }",
    "header button { background: none; border: 0; color: inherit; font-size: 20px; cursor: pointer; line-height: 1; }",
    ".log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 8px;",
    "  background: #f9fafb; }",
    ".msg { max-width: 80%; padding: 8px 11px; border-radius: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }",
    ".msg.from-visitor { align-self: flex-end; background: var(--brand); color: var(--on-brand);",
    "  border-bottom-right-radius: 4px; }",
    ".msg.from-agent, .msg.from-operator { align-self: flex-start; background: #e5e7eb;",
    "  border-bottom-left-radius: 4px; }",
    // A person's reply stands apart from the AI's: white, edged in the brand colour, signed with their name.
    ".msg.from-operator { background: #fff; border: 1px solid #d1d5db; border-left: 4px solid var(--brand); }",
    ".author { display: block; font-size: 12px; font-weight: 600; margin-bottom: 2px; color: #374151; }",
    ".intro { display: flex; flex-direction: column; gap: 4px; padding: 0 2px 4px; color: #374151; }",
    ".intro p { margin: 0; }",
    ".intro .greeting { font-size: 15px; font-weight: 600; color: #111827; }",
    ".intro .disclosure { font-size: 12px; background: #eef2ff; border-radius: 8px; padding: 6px 8px; margin-top: 4px; }",
    ".intro .availability { font-size: 12px; color: #4b5563; }",
    ".refused { margin: 8px 12px; padding: 8px 10px; border-radius: 8px; background: #fef2f2; color: #991b1b;",
    "  font-size: 13px; }",
    ".state { display: block; font-size: 11px; opacity: .75; margin-top: 3px; text-align: right; }",
    ".msg.failed { background: #b91c1c; cursor: pointer; } .msg.failed .state { opacity: 1; }",
    ".typing { align-self: flex-start; background: #e5e7eb; border-radius: 12px; padding: 10px 12px; }",
    ".typing span { display: inline-block; width: 6px; height: 6px; margin: 0 2px; border-radius: 50%;",
    "  background: #6b7280; animation: blink 1.2s infinite; }",
    ".typing span:nth-child(2) { animation-delay: .2s; } .typing span:nth-child(3) { animation-delay: .4s; }",
    "@keyframes blink { 0%, 80%, 100% { opacity: .3; } 40% { opacity: 1; } }",
    ".choices { display: flex; flex-wrap: wrap; gap: 6px; align-self: flex-start; }",
    ".choices button { border: 1px solid var(--brand); background: #fff; color: var(--brand); border-radius: 16px;",
    "  padding: 6px 12px; font-size: 13px; cursor: pointer; }",
    ".msg a { color: inherit; }",
    "form { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #e5e7eb; }",
    "textarea { flex: 1; resize: none; height: 40px; padding: 9px 10px; border: 1px solid #d1d5db;",
    // 16 px: iOS zooms the page into any smaller input.
    "  border-radius: 8px; font-size: 16px; }",
    "form button { border: 0; border-radius: 8px; background: var(--brand); color: var(--on-brand); padding: 0 14px; cursor: pointer; }"
  ].join("\n");

  var host = document.createElement("div");
  host.id = "parley-webchat";
  var root = host.attachShadow({ mode: "open" });
  root.innerHTML =
    "<style>" + STYLE + "</style>" +
    '<button class="launcher" type="button">' +
    '<svg viewBox="0 0 24 24" aria-hidden="true">' +
    '<path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>' +
    '<span class="badge" hidden></span></button>' +
    '<section class="panel" role="dialog" hidden><header><strong></strong>' +
    '<button class="close" type="button">&times;</button></header>' +
    '<div class="log" role="log" aria-live="polite"><div class="intro"><p class="greeting"></p>' +
    '<p class="availability"></p><p class="disclosure"></p></div></div>' +
    '<form><textarea name="text" rows="1"></textarea><button type="submit"></button></form></section>';

  var launcher = root.querySelector(".launcher");
  var badge = root.querySelector(".badge");
  var panel = root.querySelector(".panel");
  var log = root.querySelector(".log");
  var form = root.querySelector("form");
  var input = root.querySelector("textarea");
  var typing = document.createElement("div");
  typing.className = "typing";
  typing.hidden = true;
  typing.setAttribute("aria-label", texts.writing);
  typing.innerHTML = "<span></span><span></span><span></span>";
  root.querySelector("strong").textContent = config.title;
  root.querySelector(".greeting").textContent = texts.greeting;
  root.querySelector(".disclosure").textContent = texts.disclosure;
  root.querySelector(".availability").textContent = texts.availability;
  root.querySelector(".close").setAttribute("aria-label", texts.close);
  launcher.setAttribute("aria-label", texts.open);
  panel.setAttribute("lang", language);
  panel.setAttribute("aria-label", config.title);
  input.placeholder = texts.placeholder;
  input.setAttribute("aria-label", texts.message);
  input.maxLength = config.maxChars;
  form.querySelector("button").textContent = texts.send;

  // Made at once but kept only once the visitor writes: a panel opened asks Parley whether this page may chat.
  var visitor = stored("visitor");
  var hasWritten = Boolean(visitor);
  if (!visitor) visitor = uuid4();
  var refused = false;
  var cursor = 0;
  var awaitingReply = false;
  var shown = {}; // message id -> element
  var unconfirmed = {}; // client message id -> element of a message not yet seen in a poll
  var pollTimer = null;
  var pollDelay = POLL_OPEN_MS;

  function visitorLanguage() {
    // The browser's languages in its order of preference, by their main part ("fr-CA" is "fr").
    var wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""];
    for (var i = 0; i < wanted.length; i++) {
      var code = String(wanted[i]).toLowerCase().split("-")[0];
      if (config.texts[code]) return code;
    }
    return config.languages[0];
  }

  function stored(name) {
    try {
      return window.localStorage.getItem(storageKey + ":" + name);
    } catch (blocked) {
      return null; // storage disabled: the visitor is remembered for this page only
    }
  }

  function store(name, value) {
    try {
      window.localStorage.setItem(storageKey + ":" + name, value);
    } catch (blocked) { /* see stored() */ }
  }

  function uuid4() {
    // crypto.randomUUID exists only on https pages; getRandomValues exists everywhere.
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function isOpen() {
    return !panel.hidden;
  }

  function addMessage(from, text, state, name, spans) {
    var element = document.createElement("div");
    element.className = "msg from-" + from;
    if (from === "operator") {
      var author = document.createElement("span");
      author.className = "author";
      author.textContent = name || texts.staff;
      element.appendChild(author);
    }
    if (spans && spans.length) spans.forEach(function (span) { element.appendChild(spanNode(span)); });
    else element.appendChild(document.createTextNode(text));
    if (from === "visitor") setState(element, state);
    log.insertBefore(element, typing);
    log.scrollTop = log.scrollHeight;
    return element;
  }

  // A reply's formatting, built as elements around text nodes: nothing the reply says is ever read as HTML.
  function spanNode(span) {
    var node = document.createTextNode(span.text);
    [["code", "code"], ["italic", "em"], ["bold", "strong"]].forEach(function (mark) {
      if (!span[mark[0]]) return;
      var wrapper = document.createElement(mark[1]);
      wrapper.appendChild(node);
      node = wrapper;
    });
    if (span.link && /^(https?:|mailto:|tel:)/i.test(span.link)) {
      var anchor = document.createElement("a");
      anchor.href = span.link;
      anchor.target = "_blank";
      anchor.rel = "noopener noreferrer nofollow";
      anchor.appendChild(node);
      node = anchor;
    }
    return node;
  }

  // A reply's choices as buttons under it, until the visitor picks one or writes on.
  function addChoices(choices) {
    var row = document.createElement("div");
    row.className = "choices";
    choices.forEach(function (choice) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = choice.title;
      button.addEventListener("click", function () {
        clearChoices();
        send(choice.title, choice.id);
      });
      row.appendChild(button);
    });
    log.insertBefore(row, typing);
    log.scrollTop = log.scrollHeight;
  }

  function clearChoices() {
    Array.prototype.forEach.call(log.querySelectorAll(".choices"), function (row) { row.remove(); });
  }

  function setState(element, state) {
    var label = element.querySelector(".state");
    if (!label) {
      label = document.createElement("small");
      label.className = "state";
      element.appendChild(label);
    }
    label.textContent = { sending: texts.sending, sent: texts.sent, received: texts.sent, failed: texts.failed }[state] || "";
  }

  function showMessages(messages) {
    messages.forEach(function (message) {
      if (shown[message.id]) return;
      var element = unconfirmed[message.client_message_id];
      if (element) {
        delete unconfirmed[message.client_message_id];
        setState(element, "received");
      } else {
        clearChoices();
        element = addMessage(message.from, message.text, message.status, message.name, message.spans);
        if (message.choices && message.choices.length) addChoices(message.choices);
      }
      shown[message.id] = element;
      if (message.from !== "visitor") {
        awaitingReply = false;
        if (!isOpen()) badge.hidden = false;
      }
    });
  }

  function schedulePoll(delay) {
    clearTimeout(pollTimer);
    // A new visitor has nothing to fetch until they write; a refused page nothing ever.
    if (hasWritten && !refused) pollTimer = setTimeout(poll, delay);
  }

  function poll() {
    var seen = isOpen() && document.visibilityState === "visible";
    var url = endpoint + "?visitor=" + encodeURIComponent(visitor) + "&after=" + cursor + (seen ? "&seen=1" : "");
    fetch(url, { method: "GET", credentials: "omit", cache: "no-store" })
      .then(function (response) {
        if (response.status === 403) return response.json().then(refuse);
        if (!response.ok) throw new Error("poll answered " + response.status);
        return response.json();
      })
      .then(function (feed) {
        if (!feed) return;
        showMessages(feed.messages);
        cursor = feed.cursor;
        typing.hidden = !feed.typing;
        if (feed.typing) log.scrollTop = log.scrollHeight;
        pollDelay = feed.typing || awaitingReply ? POLL_WAITING_MS : isOpen() ? POLL_OPEN_MS : POLL_CLOSED_MS;
        schedulePoll(pollDelay);
      })
      .catch(function () {
        pollDelay = Math.min(pollDelay * 2, POLL_MAX_BACKOFF_MS);
        schedulePoll(pollDelay);
      });
  }

  // The page's origin is not among the connection's allowed origins: said to the visitor, and to the
  // site's developer in the console, instead of messages that can never be sent.
  function refuse(answer) {
    if (!answer || typeof answer.refused_origin !== "string") throw new Error("poll refused");
    refused = true;
    clearTimeout(pollTimer);
    console.warn(
      "Parley web chat: this page's origin " + answer.refused_origin + " is not in the allowed_origins setting " +
      "of the web chat connection. Add it in Parley's admin (Channel connections) to let visitors chat here."
    );
    var notice = document.createElement("p");
    notice.className = "refused";
    notice.setAttribute("role", "alert");
    notice.textContent = texts.refused;
    panel.insertBefore(notice, form);
    input.disabled = true;
    form.querySelector("button").disabled = true;
  }

  function send(text, choiceId) {
    if (refused) return;
    if (!hasWritten) {
      hasWritten = true;
      store("visitor", visitor);
    }
    var clientId = uuid4();
    var element = addMessage("visitor", text, "sending");
    unconfirmed[clientId] = element;
    var message = { visitor_id: visitor, client_message_id: clientId, text: text, page_url: location.href };
    if (choiceId) message.choice_id = choiceId;
    deliver(element, JSON.stringify(message));
  }

  // The same client message id on every attempt: a retry after a lost answer is stored once.
  function deliver(element, body) {
    function attempt(number) {
      fetch(endpoint, { method: "POST", credentials: "omit", headers: { "Content-Type": "application/json" }, body: body })
        .then(function (response) {
          if (response.ok) {
            setState(element, "sent");
            awaitingReply = true;
            schedulePoll(POLL_WAITING_MS);
          } else if ((response.status === 429 || response.status >= 500) && number < SEND_ATTEMPTS) {
            retry(number, response.headers.get("Retry-After"));
          } else {
            notSent(element, body);
          }
        })
        .catch(function () {
          if (number < SEND_ATTEMPTS) retry(number, null);
          else notSent(element, body);
        });
    }

    function retry(number, retryAfter) {
      // The server's Retry-After when it gives one in seconds, else 2, 4, 8, 16 s.
      var seconds = parseInt(retryAfter, 10);
      setTimeout(function () { attempt(number + 1); }, 1000 * (seconds > 0 ? seconds : Math.pow(2, number)));
    }

    attempt(1);
  }

  function notSent(element, body) {
    setState(element, "failed");
    element.classList.add("failed");
    element.setAttribute("role", "button");
    element.tabIndex = 0;
    function again(event) {
      if (event.type === "keydown" && event.key !== "Enter") return;
      element.removeEventListener("click", again);
      element.removeEventListener("keydown", again);
      element.classList.remove("failed");
      element.removeAttribute("role");
      element.removeAttribute("tabindex");
      setState(element, "sending");
      deliver(element, body);
    }
    element.addEventListener("click", again);
    element.addEventListener("keydown", again);
  }

  function toggle(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-label", open ? texts.close : texts.open);
    if (open) {
      badge.hidden = true;
      input.focus();
      log.scrollTop = log.scrollHeight;
      if (hasWritten) schedulePoll(0);
      else if (!refused) poll(); // once: is this page allowed to chat?
    }
  }

  launcher.addEventListener("click", function () { toggle(!isOpen()); });
  root.querySelector(".close").addEventListener("click", function () { toggle(false); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    clearChoices();
    send(text);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  function mount() {
    log.appendChild(typing);
    document.body.appendChild(host);
    schedulePoll(0); // a returning visitor sees their conversation again
  }

  // An async script in the page's head can run before the body exists.
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})(__PARLEY_WEBCHAT_CONFIG__);
