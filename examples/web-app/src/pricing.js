// Prices an order: line totals, a volume discount and VAT, in integer cents.

const VAT_RATE = 0.2;

function lineTotal(line) {
  if (!Number.isInteger(line.unitCents) || line.unitCents < 0) throw new RangeError(`bad unit price for ${line.sku}`);
  if (!Number.isInteger(line.quantity) || line.quantity <= 0) throw new RangeError(`bad quantity for ${line.sku}`);
  return line.unitCents * line.quantity;
}

function volumeDiscount(subtotalCents) {
  if (subtotalCents >= 100000) return Math.round(subtotalCents * 0.1);
  if (subtotalCents >= 50000) return Math.round(subtotalCents * 0.05);
  return 0;
}

function priceOrder(lines) {
  if (!Array.isArray(lines) || lines.length === 0) throw new RangeError('an order needs at least one line');
  const subtotal = lines.reduce((sum, line) => sum + lineTotal(line), 0);
  const discount = volumeDiscount(subtotal);
  const vat = Math.round((subtotal - discount) * VAT_RATE);
  return { subtotal, discount, vat, total: subtotal - discount + vat };
}

module.exports = { priceOrder, volumeDiscount };
