'use strict';
const express = require('express');
const reports = require('../store/reports');

module.exports = { tagCounts: reports.tagCounts, json: express.json };
