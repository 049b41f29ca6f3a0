// Kramar's small behaviours, as a file (the Content Security Policy allows no inline script).
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt;
  if (event.detail.successful && form.matches("form[data-reset-on-success]")) {
    form.reset();
  }
});

// The pipeline board: drag a deal to another stage. The server decides (exit criteria, M2): the
// page reloads either way, showing the deal where it really is and the reason if it was refused.
document.addEventListener("DOMContentLoaded", () => {
  const board = document.querySelector(".board[data-may-move='yes']");
  if (!board || typeof Sortable === "undefined") return;
  board.querySelectorAll(".board-cards").forEach((column) => {
    Sortable.create(column, {
      group: "deals",
      animation: 150,
      forceFallback: true,
      onEnd: (event) => {
        if (event.from === event.to) return;
        const dealId = event.item.dataset.dealId;
        const url = column.dataset.moveUrlTemplate.replace("/0/", `/${dealId}/`);
        htmx
          .ajax("POST", url, { values: { stage: event.to.dataset.stageId }, swap: "none" })
          .finally(() => window.location.reload());
      },
    });
  });
});
