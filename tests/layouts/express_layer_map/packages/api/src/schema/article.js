'use strict';
const { DataTypes } = require('sequelize');

module.exports = (sequelize) => sequelize.define('Article', { slug: DataTypes.STRING });
