// Package hubspot delivers leads to HubSpot as contacts through the CRM v3
// batch upsert (POST /crm/v3/objects/contacts/batch/upsert), up to 100 per
// request, matched by email (idProperty "email"), with a private app access
// token as bearer token.
//
// One-time set-up in HubSpot: a private app with the scopes
// crm.objects.contacts.write and crm.schemas.contacts.read, and a contact
// property "leadcap_lead_id" (single-line text, unique values) that receives
// the lead's UUID; optionally a multi-line text property for the details.
// [Connector.Probe] checks both.
//
// # Which fields leadcap owns
//
// On the first delivery of a lead (no HubSpot ID known yet) the contact
// properties email, firstname, lastname, company, jobtitle, phone,
// mobilephone, website, address, city, state, zip and country are written,
// together with lifecyclestage "lead" (or "salesqualifiedlead" for a
// prospect). Every later update writes only what leadcap owns: the lead ID
// property, the details property if configured, and lifecyclestage when the
// lead became a prospect (HubSpot moves lifecycle stages only forward; a
// disqualified lead leaves it alone). Names, company, phones and addresses
// that a HubSpot user edited are therefore never overwritten. When a
// contact was deleted in HubSpot, the update creates it again (the reply
// says "new") and the connector sends the contact properties right after.
// The email is the match key: a lead whose first email changes after
// delivery reaches a different contact.
//
// # Follow-ups and answers
//
// Every note with a follow-up date becomes a task associated with the
// contact (tasks.go); answers to questions the event maps to a contact
// property (lead.Question.CRMField) go to that property with every
// delivery, a yes/no answer as "true"/"false"; the other answers stay in
// the details property.
//
// # Errors
//
// A lead without an email is refused before sending ([ErrNoEmail]). A 207
// multi-status reply is read per record, matched by objectWriteTraceId (the
// lead's UUID). A 400 for a whole batch is retried record by record, so only
// the refused lead goes to the dead letters with HubSpot's message. 429 is
// transient and waits Retry-After, else what its policyName
// (SECONDLY, TEN_SECONDLY_ROLLING, DAILY) needs; 423 waits at least 2 s;
// 5xx and network errors are transient; 401 and 403 wrap syncer.ErrAuth.
package hubspot
