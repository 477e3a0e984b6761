// Starts GOV.UK Frontend: what the inline snippet and script tag in govuk-frontend's
// template.njk do, as a file, so that the pages need no inline script.
//
// Loaded with <script type="module">: only browsers that support ES modules run it, which is
// the same test the inline snippet makes before it adds "govuk-frontend-supported".
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
