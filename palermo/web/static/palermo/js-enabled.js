// Marks the page as having JavaScript before it is drawn, as GOV.UK Frontend's page template
// does with an inline script: here a file, because the Content-Security-Policy allows no inline
// script. Loaded synchronously at the top of <body>, so styles for JavaScript apply at once.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
