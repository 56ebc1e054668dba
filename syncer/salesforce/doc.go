// Package salesforce delivers leads to Salesforce as Lead records through
// sObject Collections upsert by external ID
// (PATCH /services/data/vXX.X/composite/sobjects/Lead/<ExternalIdField>),
// up to 200 records per request with allOrNone false, so that one refused
// record does not hold back the others. Results come back per record, in
// request order, with an errors array of statusCode, message and fields.
//
// One-time set-up in Salesforce: a custom Lead field, by default
// Leadcap_Lead_ID__c (Text(36), External ID, Unique), that receives the
// lead's UUID, optionally a Long Text Area field for the details, and an
// OAuth access token for a user who may create and edit leads.
//
// # Which fields leadcap owns
//
// On the first delivery of a lead (no Salesforce ID known yet) FirstName,
// LastName, Company, Title, Email, Phone, MobilePhone, Website, Street,
// City, State, PostalCode, Country, LeadSource ("Trade Show"), Rating
// (Hot, Warm, Cold) and Status are written. Every later update writes only
// what leadcap owns: the external ID, the details field if configured, and
// Status when the lead became a prospect or was disqualified. Fields a
// Salesforce user edited are therefore never overwritten by a later change
// in the app. When a Lead was deleted in Salesforce, the update fails with
// REQUIRED_FIELD_MISSING and the connector sends the full record at once,
// which creates it again. Status values per stage are configurable (defaults "Open - Not
// Contacted", "Working - Contacted", "Closed - Not Converted").
//
// # Follow-ups and answers
//
// Every note with a follow-up date becomes a Task on the Lead (tasks.go);
// answers to questions the event maps to a Lead field
// (lead.Question.CRMField) go to that field with every delivery, a yes/no
// answer as a boolean and a number as a number; the other answers stay in
// the details field. A request refused as a whole with 400 (a field that
// does not exist) is sent again record by record, so only the leads that
// name the field are refused.
//
// # Errors and limits
//
// LastName and Company are required on every Lead: a first delivery without
// them is refused before sending with a sentence that names what is missing
// ([ErrRequired]); REQUIRED_FIELD_MISSING from Salesforce says the same.
// UNABLE_TO_LOCK_ROW, 5xx and network errors are transient; 401
// INVALID_SESSION_ID wraps syncer.ErrAuth (a person must renew the token;
// no lead goes to the dead letters); REQUEST_LIMIT_EXCEEDED waits an hour.
// Every reply's Sforce-Limit-Info (api-usage=N/M) is read, and
// [Connector.Pace] slows the relay down as the org nears its daily
// allowance.
package salesforce
