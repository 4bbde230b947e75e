'use strict';
// The database: Sequelize on DATABASE_URL (PostgreSQL in the pod).
const { Sequelize, DataTypes } = require('sequelize');

const url = process.env.DATABASE_URL || 'postgresql://user:password@postgres:5432/inventory';
const sequelize = new Sequelize(url, { logging: false });

const Item = sequelize.define('Item', {
  sku: { type: DataTypes.STRING(64), allowNull: false, unique: true },
  name: { type: DataTypes.STRING(200), allowNull: false },
  quantity: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  price: { type: DataTypes.DECIMAL(12, 2), allowNull: false },
}, { tableName: 'items', timestamps: false });

function asJson(item) {
  return { sku: item.sku, name: item.name, quantity: item.quantity, price: Number(item.price) };
}

module.exports = { sequelize, Item, asJson };
