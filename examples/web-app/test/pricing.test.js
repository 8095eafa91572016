const test = require('node:test');
const assert = require('node:assert');
const { priceOrder, volumeDiscount } = require('../src/pricing');

test('prices a small order with VAT and no discount', () => {
  assert.deepStrictEqual(priceOrder([{ sku: 'a', unitCents: 1000, quantity: 2 }]), { subtotal: 2000, discount: 0, vat: 400, total: 2400 });
});

test('gives 5% from 500.00 and 10% from 1000.00', () => {
  assert.strictEqual(volumeDiscount(49999), 0);
  assert.strictEqual(volumeDiscount(50000), 2500);
  assert.strictEqual(volumeDiscount(100000), 10000);
});

test('rejects empty orders and bad lines', () => {
  assert.throws(() => priceOrder([]), /at least one line/);
  assert.throws(() => priceOrder([{ sku: 'x', unitCents: -1, quantity: 1 }]), /bad unit price for x/);
  assert.throws(() => priceOrder([{ sku: 'y', unitCents: 1, quantity: 0 }]), /bad quantity for y/);
});
