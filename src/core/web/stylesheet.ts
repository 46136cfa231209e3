// The one stylesheet. Colours meet WCAG 2.2 AA contrast (text ≥ 4.5:1, UI ≥ 3:1); focus is always
// visible; layout reflows to 320 px; KRDS-like palette (primary blue, neutral greys).
export const STYLESHEET = `
:root { --primary: #0b50d0; --primary-dark: #083891; --text: #1e2124; --muted: #464c53; --border: #8a949e;
  --surface: #f4f5f6; --success: #0c6b32; --notice-bg: #fff6d6; font-size: 100%; }
* { box-sizing: border-box; }
:lang(ko) { word-break: keep-all; overflow-wrap: anywhere; }
body { margin: 0; font-family: "Pretendard", "Noto Sans KR", "Malgun Gothic", system-ui, sans-serif; color: var(--text);
  line-height: 1.6; background: #fff; }
.container { max-width: 64rem; margin: 0 auto; padding: 0 1rem; }
a { color: var(--primary); text-underline-offset: 0.15em; }
a:hover { color: var(--primary-dark); }
:focus-visible { outline: 3px solid #ffb400; outline-offset: 2px; box-shadow: 0 0 0 5px #1e2124; }
.skip-link { position: absolute; left: 0.5rem; top: -3rem; background: var(--text); color: #fff; padding: 0.5rem 1rem; z-index: 10; }
.skip-link:focus { top: 0.5rem; color: #fff; }
.gov-banner { background: var(--surface); border-bottom: 1px solid #d6d9dd; font-size: 0.875rem; }
.gov-banner p { margin: 0 auto; max-width: 64rem; padding: 0.25rem 1rem; }
.site-header { border-bottom: 2px solid var(--primary); }
.header-row { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: 0.5rem; padding-top: 0.75rem; padding-bottom: 0.75rem; }
.site-name { font-size: 1.5rem; font-weight: 700; text-decoration: none; color: var(--text); display: flex; flex-direction: column; }
.site-name .tagline { font-size: 0.875rem; font-weight: 400; color: var(--muted); }
.language-nav ul, .main-nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 1rem; }
.language-nav a[aria-current] { font-weight: 700; }
.main-nav { background: var(--primary); }
.main-nav ul { margin: 0 auto; padding: 0.5rem 1rem; align-items: center; }
.main-nav a, .main-nav span, .main-nav .link-button { color: #fff; }
.main-nav .account { margin-left: auto; display: flex; gap: 0.75rem; align-items: center; flex-wrap: wrap; }
.main-nav form { margin: 0; }
.link-button { background: none; border: 0; padding: 0; font: inherit; text-decoration: underline; cursor: pointer; }
main.container { padding-top: 1.5rem; padding-bottom: 3rem; min-height: 60vh; }
main:focus { outline: none; }
h1 { font-size: 2rem; line-height: 1.3; margin: 0 0 1rem; }
h2 { font-size: 1.5rem; margin: 2rem 0 0.75rem; }
.lead { font-size: 1.125rem; }
.button { display: inline-block; background: var(--primary); color: #fff; border: 2px solid var(--primary); border-radius: 6px;
  padding: 0.6rem 1.2rem; font: inherit; font-weight: 600; text-decoration: none; cursor: pointer; min-height: 44px; }
.button:hover { background: var(--primary-dark); color: #fff; }
.choice-list { list-style: none; padding: 0; display: grid; gap: 0.75rem; }
.choice-list form { margin: 0; }
.notice { background: var(--notice-bg); border-left: 4px solid #8a6100; padding: 0.5rem 1rem; }
.success { background: #e6f4ea; border-left: 4px solid var(--success); padding: 0.25rem 1rem; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.5rem 1.5rem; margin: 1rem 0; }
.facts dt { font-weight: 700; }
.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
caption { text-align: left; font-weight: 700; padding-bottom: 0.5rem; }
th, td { border: 1px solid var(--border); padding: 0.5rem; text-align: left; }
th { background: var(--surface); }
.form .field { margin-bottom: 1rem; display: flex; flex-direction: column; gap: 0.25rem; max-width: 32rem; }
.form label { font-weight: 600; }
.form input, .form select { font: inherit; padding: 0.5rem; border: 1px solid var(--muted); border-radius: 4px; min-height: 44px; }
.error-summary { border: 4px solid #c4001d; padding: 0.5rem 1rem; margin: 1rem 0; max-width: 40rem; }
.error-summary h3 { margin: 0.25rem 0; }
.error-summary a { color: #c4001d; font-weight: 600; }
.field-error { border-left: 4px solid #c4001d; padding-left: 0.75rem; }
.error-message { color: #c4001d; font-weight: 600; margin: 0; }
.field-error input { border: 2px solid #c4001d; }
.form input[type=checkbox], .form input[type=radio] { min-height: 0; width: 1.25rem; height: 1.25rem; padding: 0; margin: 0 0.5rem 0 0; vertical-align: middle; }
.hint { color: var(--muted); font-size: 0.9375rem; margin: 0; }
.operation { border-top: 1px solid #d6d9dd; }
.operation h2 { font-size: 1.125rem; }
.breadcrumbs ol { list-style: none; margin: 0 0 1rem; padding: 0; display: flex; flex-wrap: wrap; gap: 0.5rem; font-size: 0.9375rem; }
.breadcrumbs li + li::before { content: "›"; margin-right: 0.5rem; color: var(--muted); }
.service-list h3 { font-size: 1.125rem; margin: 0; }
.service-list p { margin: 0.25rem 0 0; }
code { font-family: ui-monospace, "D2Coding", monospace; background: var(--surface); padding: 0 0.25rem; }
.site-footer { background: var(--surface); border-top: 1px solid #d6d9dd; font-size: 0.875rem; color: var(--muted); padding: 1rem 0; }
@media (max-width: 40rem) { .facts { grid-template-columns: 1fr; } .main-nav .account { margin-left: 0; } }
.visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.button.secondary { background: #fff; color: #1d56bc; border: 2px solid #1d56bc; }
.form.inline { margin-top: 0.5rem; }
`;
