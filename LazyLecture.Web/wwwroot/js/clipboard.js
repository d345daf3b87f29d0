// Copy buttons: a button with data-copy-from="ID" copies that input's value to the clipboard and says so in the element
// named by data-copied-note. Plain script at document level, so it works whatever Blazor re-renders.
(() => {
    "use strict";

    document.addEventListener("click", async event => {
        const button = event.target instanceof Element ? event.target.closest("[data-copy-from]") : null;
        const source = button ? document.getElementById(button.getAttribute("data-copy-from")) : null;
        if (!source) {
            return;
        }
        const note = document.getElementById(button.getAttribute("data-copied-note") ?? "");
        let copied = false;
        try {
            await navigator.clipboard.writeText(source.value);
            copied = true;
        } catch {
            // No clipboard API (a page served over plain HTTP is not a secure context): copy the selected text instead.
            source.select();
            copied = document.execCommand("copy");
        }
        if (note) {
            note.textContent = copied ? "Copied to the clipboard." : "Select the link and copy it (Ctrl+C).";
        }
    });
})();
