// A websocket feed that reconnects with backoff, for the live parts of the pages.
(function () {
  "use strict";
  // After a drop (a restart, Redis away: close code 4503, a proxy's idle cut) it reconnects
  // with exponential backoff and jitter, so a restarted server is not hit by every page at
  // once, and calls onReopen so the page can fetch what it missed while disconnected.
  window.piezoFeed = function (path, onMessage, statusElement, onReopen) {
    const firstDelay = 500, maxDelay = 30000;
    let delay = firstDelay;
    let dropped = false;
    function say(text) { if (statusElement) statusElement.textContent = text; }
    function connect() {
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      const socket = new WebSocket(scheme + "://" + location.host + path);
      socket.addEventListener("open", function () {
        delay = firstDelay;
        say("Live: updates appear as readings arrive.");
        if (dropped && onReopen) onReopen();
        dropped = false;
      });
      socket.addEventListener("message", function (event) { onMessage(JSON.parse(event.data)); });
      socket.addEventListener("close", function (event) {
        if (event.code === 4404 || event.code === 4429) { say(""); return; }
        dropped = true;
        say("Live updates paused; reconnecting…");
        setTimeout(connect, delay / 2 + Math.random() * delay / 2);
        delay = Math.min(delay * 2, maxDelay);
      });
    }
    connect();
  };
  window.piezoFormat = {
    number: function (n) { return Number(n).toLocaleString("en-US"); },
    utc: function (iso) {
      if (!iso) return "—";
      const d = new Date(iso);
      const pad = function (v) { return String(v).padStart(2, "0"); };
      return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) +
        " " + pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + " UTC";
    },
  };
})();
