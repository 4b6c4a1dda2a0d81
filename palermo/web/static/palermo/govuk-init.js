// Starts GOV.UK Frontend's components (loaded as a module from base.html). A file rather than
// an inline module script, because the Content-Security-Policy allows no inline script.
import { initAll } from '../govuk/govuk-frontend.min.js'

initAll()
