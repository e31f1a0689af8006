// A websocket feed that reconnects with backoff, for the live parts of the pages.
(function () {
  "use strict";
  window.piezoFeed = function (path, onMessage, statusElement) {
    let delay = 1000;
    function say(text) { if (statusElement) statusElement.textContent = text; }
    function connect() {
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      const socket = new WebSocket(scheme + "://" + location.host + path);
      socket.addEventListener("open", function () { delay = 1000; say("Live: updates appear as readings arrive."); });
      socket.addEventListener("message", function (event) { onMessage(JSON.parse(event.data)); });
      socket.addEventListener("close", function (event) {
        if (event.code === 4404 || event.code === 4429) { say(""); return; }
        say("Live updates paused; reconnecting…");
        setTimeout(connect, delay);
        delay = Math.min(delay * 2, 30000);
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
