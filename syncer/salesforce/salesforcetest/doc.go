// Package salesforcetest is a fake Salesforce REST API for tests: the
// sObject Collections upsert by external ID on Lead and the limits resource,
// with Salesforce's limits and error shapes.
//
// It enforces the bearer token (401 INVALID_SESSION_ID), PATCH only, at most
// 200 records (400 EXCEEDED_ID_LIMIT), attributes.type Lead, known fields
// only (400 INVALID_FIELD), allOrNone false with per-record results in
// request order, LastName and Company on creation (REQUIRED_FIELD_MISSING
// with fields), a restricted Status picklist, and the daily API allowance:
// every reply carries Sforce-Limit-Info: api-usage=N/M and a request over
// the allowance gets 403 REQUEST_LIMIT_EXCEEDED.
package salesforcetest
