// A signature drawn on a <canvas> with a finger, pen or mouse (pointer events), sent as the PNG
// the delivery endpoint expects. White background: the receipt PDF prints it on paper.
"use strict";
function SignaturePad(canvas) {
  const ctx = canvas.getContext("2d");
  let drawing = false, strokes = 0;
  function clear() {
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.strokeStyle = "#000"; ctx.lineWidth = 3; ctx.lineCap = "round"; ctx.lineJoin = "round";
    strokes = 0;
  }
  function point(ev) {
    // The canvas may be scaled by CSS: map the pointer to canvas pixels.
    const r = canvas.getBoundingClientRect();
    return [(ev.clientX - r.left) * canvas.width / r.width, (ev.clientY - r.top) * canvas.height / r.height];
  }
  canvas.addEventListener("pointerdown", (ev) => {
    ev.preventDefault();
    drawing = true;
    canvas.setPointerCapture(ev.pointerId);
    ctx.beginPath(); ctx.moveTo(...point(ev));
  });
  canvas.addEventListener("pointermove", (ev) => {
    if (!drawing) return;
    ctx.lineTo(...point(ev)); ctx.stroke();
    strokes += 1;
  });
  const stop = () => { drawing = false; };
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);
  clear();
  return {clear, isEmpty: () => strokes === 0, png: () => canvas.toDataURL("image/png")};
}
