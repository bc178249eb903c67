// Starts Swagger UI for /api/docs. A static file, not an inline script, so that
// the store's Content-Security-Policy (script-src 'self') holds on this page too.
window.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = window.SwaggerUIBundle({
    url: root.dataset.specUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    layout: "BaseLayout",
    presets: [window.SwaggerUIBundle.presets.apis],
    // No call to the public validator service: the docs work offline.
    validatorUrl: null,
    oauth2RedirectUrl: root.dataset.oauth2RedirectUrl,
    displayRequestDuration: true,
  });
});
