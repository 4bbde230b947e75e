'use strict';
// The inventory routes: items, their stock adjustments, and the low-stock filter.
const express = require('express');
const { Op } = require('sequelize');
const { Item, asJson } = require('../db');

const router = express.Router();
const SKU = /^[a-z0-9-]{1,64}$/;

// Express 4 does not await handlers: a rejected one goes to the error handler.
const wrap = (handler) => (req, res, next) => handler(req, res).catch(next);

function fail(res, status, field, message) {
  return res.status(status).json({ errors: { [field]: [message] } });
}

function isAmount(value) {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1000000;
}

function isCount(value) {
  return Number.isInteger(value) && value >= 0 && value <= 1000000;
}

async function find(req, res) {
  const item = await Item.findOne({ where: { sku: req.params.sku } });
  if (!item) fail(res, 404, 'item', 'not found');
  return item;
}

router.get('/items', wrap(async (req, res) => {
  const where = {};
  if (req.query.low_stock !== undefined) {
    const limit = Number(req.query.low_stock);
    if (!isCount(limit)) return fail(res, 422, 'low_stock', 'is not a count');
    where.quantity = { [Op.lte]: limit };
  }
  const items = await Item.findAll({ where, order: [['sku', 'ASC']] });
  return res.json({ items: items.map(asJson), count: items.length });
}));

router.post('/items', wrap(async (req, res) => {
  const body = (req.body && req.body.item) || {};
  const quantity = body.quantity === undefined ? 0 : body.quantity;
  if (typeof body.sku !== 'string' || !SKU.test(body.sku)) return fail(res, 422, 'sku', 'is invalid');
  if (typeof body.name !== 'string' || body.name.length < 1 || body.name.length > 200) return fail(res, 422, 'name', 'is invalid');
  if (!isCount(quantity)) return fail(res, 422, 'quantity', 'is not a count');
  if (!isAmount(body.price)) return fail(res, 422, 'price', 'is not an amount');
  if (await Item.findOne({ where: { sku: body.sku } })) return fail(res, 409, 'sku', 'is already taken');
  const item = await Item.create({ sku: body.sku, name: body.name, quantity, price: body.price });
  return res.status(201).json({ item: asJson(item) });
}));

router.get('/items/:sku', wrap(async (req, res) => {
  const item = await find(req, res);
  if (item) res.json({ item: asJson(item) });
}));

router.put('/items/:sku', wrap(async (req, res) => {
  const changes = (req.body && req.body.item) || {};
  if (changes.name !== undefined && (typeof changes.name !== 'string' || changes.name.length < 1 || changes.name.length > 200)) {
    return fail(res, 422, 'name', 'is invalid');
  }
  if (changes.price !== undefined && !isAmount(changes.price)) return fail(res, 422, 'price', 'is not an amount');
  const item = await find(req, res);
  if (!item) return undefined;
  if (changes.name !== undefined) item.name = changes.name;
  if (changes.price !== undefined) item.price = changes.price;
  await item.save();
  return res.json({ item: asJson(item) });
}));

router.post('/items/:sku/adjust', wrap(async (req, res) => {
  const delta = req.body && req.body.delta;
  if (!Number.isInteger(delta) || Math.abs(delta) > 1000000) return fail(res, 422, 'delta', 'is not an integer');
  const item = await find(req, res);
  if (!item) return undefined;
  if (item.quantity + delta < 0) return fail(res, 409, 'quantity', 'would go below zero');
  item.quantity += delta;
  await item.save();
  return res.json({ item: asJson(item) });
}));

router.delete('/items/:sku', wrap(async (req, res) => {
  const item = await find(req, res);
  if (!item) return undefined;
  await item.destroy();
  return res.status(204).end();
}));

module.exports = router;
