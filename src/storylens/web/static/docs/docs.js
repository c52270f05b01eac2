// Starts Swagger UI on /docs over this server's own OpenAPI document (no inline script:
// the Content-Security-Policy allows only this server's files).
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    url: document.body.getAttribute("data-openapi"),
    dom_id: "#swagger-ui",
    deepLinking: true,
  });
});
