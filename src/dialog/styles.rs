//! The dialog's stylesheet, adopted by its shadow root as a constructed `CSSStyleSheet`
//! (no `<style>` element and no `style` attribute: it works under a CSP without
//! `unsafe-inline`). Theming goes through the `--al-primary` custom property, set on the host
//! with CSSOM `style.setProperty`.

#[allow(unused_imports)]
use crate::prelude::*;
/// The whole stylesheet. Kept small: it ships in the wasm. The dialog as it first appears uses
/// two faces, the text's (15px) and the title's (20px, 600: the close button's × too): each
/// further weight or size is one more font lookup in the browser's first layout of the dialog
/// (3-4 ms of the time to a usable dialog with buttons at 500 and a 26px ×, bench/README.md).
pub const CSS: &str = "\
:host{all:initial;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Sans JP',sans-serif;color:#1e212a;--al-primary:#635dff;--al-on-primary:#fff}\
:host([hidden]),[hidden]{display:none!important}\
:host([data-mode=modal]){position:fixed;inset:0;z-index:2147483000;display:flex;align-items:center;justify-content:center;padding:16px;box-sizing:border-box}\
:host([data-mode=inline]){display:block}\
*{box-sizing:border-box}\
[data-part=backdrop]{position:fixed;inset:0;background:rgba(15,17,23,.55)}\
[role=dialog]{position:relative;width:100%;max-width:400px;max-height:calc(100vh - 32px);overflow:auto;background:#fff;border-radius:14px;padding:24px;box-shadow:0 16px 48px rgba(0,0,0,.3)}\
:host([data-mode=inline]) [role=dialog]{max-height:none;box-shadow:none;border:1px solid #d5d7dd}\
[role=dialog]:focus{outline:none}\
header{display:flex;align-items:center;gap:12px;margin:0 0 16px}\
[data-part=logo]{width:40px;height:40px;object-fit:contain;flex:none}\
h2{flex:1;margin:0;font-size:20px;line-height:1.3;font-weight:600;overflow-wrap:anywhere}\
h3{margin:0 0 6px;font-size:12px;font-weight:600;letter-spacing:.05em;text-transform:uppercase;color:#5c606b}\
button{font:inherit;color:inherit;cursor:pointer;min-height:44px;padding:10px 14px;border:1px solid #c3c6ce;border-radius:10px;background:#fff}\
button:hover:not(:disabled){border-color:var(--al-primary)}\
button:focus-visible{outline:3px solid var(--al-primary);outline-offset:2px}\
button:disabled{opacity:.5;cursor:default}\
[data-action=close]{flex:none;min-width:44px;padding:0;border:0;background:none;font-size:20px;font-weight:600;line-height:1;color:#5c606b}\
[data-part=connections]{display:grid;gap:8px}\
[data-connection]{width:100%;overflow-wrap:anywhere}\
[data-action=confirm-unlink],[data-action=use-redirect]{background:var(--al-primary);border-color:var(--al-primary);color:var(--al-on-primary)}\
[data-action=use-redirect]{width:100%;margin-top:8px}\
[data-part=identities]{margin:0 0 16px}\
ul{list-style:none;margin:0;padding:0}\
li{display:flex;flex-wrap:wrap;align-items:center;gap:8px 12px;padding:8px 0;border-bottom:1px solid #eceef2}\
li img{width:32px;height:32px;border-radius:50%;flex:none}\
[data-part=who]{flex:1;min-width:0;overflow-wrap:anywhere}\
[data-part=provider]{display:block;font-weight:600}\
[data-part=detail],[data-part=badge]{font-size:13px;color:#5c606b}\
[data-part=confirm]{display:flex;flex-wrap:wrap;align-items:center;gap:8px;width:100%}\
[data-part=confirm] span{flex:1 1 100%}\
[data-part=status],[data-part=error]{margin:12px 0 0}\
[data-part=status]{color:#5c606b}\
[data-part=error]{padding:10px 12px;border-radius:10px;background:#fdecec;color:#9b1c1c}\
[data-part=status]:empty,[data-part=error]:empty{display:none}\
@media (max-width:480px){:host([data-mode=modal]){padding:8px}[role=dialog]{padding:16px;max-height:calc(100vh - 16px)}h2{font-size:18px}}\
";
