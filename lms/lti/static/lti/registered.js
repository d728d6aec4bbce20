// LTI Dynamic Registration: tell the platform's frame that registration is finished.
document.addEventListener("DOMContentLoaded", function () {
  if (window.parent && window.parent !== window) {
    window.parent.postMessage({subject: "org.imsglobal.lti.close"}, "*");
  }
});
