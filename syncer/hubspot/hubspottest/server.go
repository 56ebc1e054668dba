package hubspottest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is a scripted reply for the next batch upsert.
type Fault struct {
	Status     int
	RetryAfter string // Retry-After header, may be empty
	Policy     string // policyName for a 429
	// DropAfterWrite applies the upsert, then closes the connection without
	// answering: the CRM committed, the reply was lost.
	DropAfterWrite bool
	// Delay holds the request this long before applying it normally: a
	// client with a shorter timeout gives up although the CRM commits.
	Delay time.Duration
}

// Server is the fake. Its fields are safe to read after the test's pushes
// returned; use Contacts for a consistent copy while requests run.
type Server struct {
	*httptest.Server
	Token string
	// Latency is added to every reply.
	Latency time.Duration
	// Properties that exist in the portal, besides the standard ones.
	Custom map[string]bool

	mu       sync.Mutex
	contacts map[string]*Contact // by email
	// Archived and Purged are the contacts removed by DELETE (archived,
	// restorable for 90 days) and by gdpr-delete (gone), by ID.
	Archived, Purged map[string]Contact
	nextID           int
	faults           []Fault
	// tasks by ID; ArchivedTasks are the tasks removed by DELETE.
	tasks         map[string]*Task
	ArchivedTasks map[string]Task
	taskFaults    []Fault
	// TaskCreates counts the tasks asked for by the task creates served,
	// single or batch (faults included); TaskCreateRequests the requests.
	TaskCreates, TaskCreateRequests int
	// TaskUpdateRequests counts the tasks batch updates served.
	TaskUpdateRequests int
	// MaxTaskBatchSeen is the most inputs of a tasks batch create seen.
	MaxTaskBatchSeen int
	// AllRequests counts every request served.
	AllRequests int
	Requests    int // batch upsert requests served (faults included)
	MaxSeen     int // largest batch seen
}

// Task is a stored task with the IDs of the contacts it is associated
// with.
type Task struct {
	ID         string
	Properties map[string]string
	Contacts   []string
}

// Contact is a stored contact.
type Contact struct {
	ID         string
	Properties map[string]string
	Writes     int
}

var standard = map[string]bool{
	"email": true, "firstname": true, "lastname": true, "company": true, "jobtitle": true,
	"phone": true, "mobilephone": true, "website": true, "address": true, "city": true,
	"state": true, "zip": true, "country": true, "lifecyclestage": true, "hs_lead_status": true,
}

var stages = map[string]bool{
	"subscriber": true, "lead": true, "marketingqualifiedlead": true, "salesqualifiedlead": true,
	"opportunity": true, "customer": true, "evangelist": true, "other": true,
}

// New starts a fake portal that accepts token and has the custom properties.
func New(token string, custom ...string) *Server {
	s := &Server{Token: token, Custom: map[string]bool{}, contacts: map[string]*Contact{}, nextID: 1000,
		Archived: map[string]Contact{}, Purged: map[string]Contact{},
		tasks: map[string]*Task{}, ArchivedTasks: map[string]Task{}}
	for _, c := range custom {
		s.Custom[c] = true
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Fail queues faults for the next batch upserts, in order.
func (s *Server) Fail(f ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f...)
}

// FailTasks queues faults for the next task creates (single or batch), in
// order; a zero Fault lets its request through.
func (s *Server) FailTasks(f ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.taskFaults = append(s.taskFaults, f...)
}

// Tasks returns a copy of the stored (not archived) tasks by ID.
func (s *Server) Tasks() map[string]Task {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]Task, len(s.tasks))
	for id, t := range s.tasks {
		p := make(map[string]string, len(t.Properties))
		for k, v := range t.Properties {
			p[k] = v
		}
		out[id] = Task{ID: t.ID, Properties: p, Contacts: append([]string(nil), t.Contacts...)}
	}
	return out
}

// EditTask changes a task's property as a HubSpot user would.
func (s *Server) EditTask(id, prop, value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.tasks[id]; t != nil {
		t.Properties[prop] = value
	}
}

// Contacts returns a copy of the stored contacts by email.
func (s *Server) Contacts() map[string]Contact {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]Contact, len(s.contacts))
	for k, c := range s.contacts {
		p := make(map[string]string, len(c.Properties))
		for pk, pv := range c.Properties {
			p[pk] = pv
		}
		out[k] = Contact{ID: c.ID, Properties: p, Writes: c.Writes}
	}
	return out
}

// Edit changes a property as a HubSpot user would.
func (s *Server) Edit(email, prop, value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.contacts[email]; c != nil {
		c.Properties[prop] = value
	}
}

type errBody struct {
	Status        string              `json:"status"`
	Message       string              `json:"message"`
	CorrelationID string              `json:"correlationId"`
	Category      string              `json:"category,omitempty"`
	ErrorType     string              `json:"errorType,omitempty"`
	PolicyName    string              `json:"policyName,omitempty"`
	Context       map[string][]string `json:"context,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.AllRequests++
	s.mu.Unlock()
	if s.Latency > 0 {
		time.Sleep(s.Latency)
	}
	if r.Header.Get("Authorization") != "Bearer "+s.Token {
		writeJSON(w, http.StatusUnauthorized, errBody{Status: "error", Category: "INVALID_AUTHENTICATION",
			Message: "Authentication credentials not found. This API supports OAuth 2.0 authentication.", CorrelationID: "c-401"})
		return
	}
	switch {
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/crm/v3/properties/contacts/"):
		name := strings.TrimPrefix(r.URL.Path, "/crm/v3/properties/contacts/")
		if !standard[name] && !s.Custom[name] {
			writeJSON(w, http.StatusNotFound, errBody{Status: "error", Category: "OBJECT_NOT_FOUND",
				Message: fmt.Sprintf("Unable to find property %s", name), CorrelationID: "c-404"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"name": name, "type": "string", "fieldType": "text"})
	case r.Method == http.MethodPost && r.URL.Path == "/crm/v3/objects/contacts/batch/upsert":
		s.upsert(w, r)
	case r.Method == http.MethodPost && r.URL.Path == "/crm/v3/objects/contacts/gdpr-delete":
		s.gdprDelete(w, r)
	case r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/crm/v3/objects/contacts/"):
		s.archive(w, strings.TrimPrefix(r.URL.Path, "/crm/v3/objects/contacts/"))
	case r.Method == http.MethodPost && r.URL.Path == "/crm/v3/objects/tasks":
		s.createTask(w, r)
	case r.Method == http.MethodPost && r.URL.Path == "/crm/v3/objects/tasks/batch/create":
		s.createTasks(w, r)
	case r.Method == http.MethodPost && r.URL.Path == "/crm/v3/objects/tasks/batch/update":
		s.updateTasks(w, r)
	case r.Method == http.MethodPost && r.URL.Path == "/crm/v3/objects/tasks/batch/read":
		s.readTasks(w, r)
	case r.Method == http.MethodPatch && strings.HasPrefix(r.URL.Path, "/crm/v3/objects/tasks/"):
		s.updateTask(w, r, strings.TrimPrefix(r.URL.Path, "/crm/v3/objects/tasks/"))
	case r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/crm/v3/objects/tasks/"):
		s.archiveTask(w, strings.TrimPrefix(r.URL.Path, "/crm/v3/objects/tasks/"))
	case r.Method == http.MethodPost && r.URL.Path == "/crm/v4/associations/contacts/tasks/batch/read":
		s.batchContactTasks(w, r)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/crm/v4/objects/contacts/") && strings.HasSuffix(r.URL.Path, "/associations/tasks"):
		s.contactTasks(w, r, strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/crm/v4/objects/contacts/"), "/associations/tasks"))
	default:
		writeJSON(w, http.StatusNotFound, errBody{Status: "error", Category: "OBJECT_NOT_FOUND", Message: "not found", CorrelationID: "c-404"})
	}
}

type input struct {
	ID                 string            `json:"id"`
	IDProperty         string            `json:"idProperty"`
	ObjectWriteTraceID string            `json:"objectWriteTraceId"`
	Properties         map[string]string `json:"properties"`
}

func (s *Server) upsert(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Inputs []input `json:"inputs"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, errBody{Status: "error", Category: "VALIDATION_ERROR", Message: "Invalid input JSON: " + err.Error()})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Requests++
	if len(req.Inputs) > s.MaxSeen {
		s.MaxSeen = len(req.Inputs)
	}
	var fault *Fault
	if len(s.faults) > 0 {
		f := s.faults[0]
		s.faults = s.faults[1:]
		fault = &f
	}
	if fault != nil && fault.Delay > 0 {
		s.mu.Unlock()
		time.Sleep(fault.Delay)
		s.mu.Lock()
		fault = nil
	}
	if fault != nil && !fault.DropAfterWrite {
		if fault.RetryAfter != "" {
			w.Header().Set("Retry-After", fault.RetryAfter)
		}
		switch fault.Status {
		case http.StatusTooManyRequests:
			writeJSON(w, fault.Status, errBody{Status: "error", ErrorType: "RATE_LIMIT", PolicyName: fault.Policy,
				Message: fmt.Sprintf("You have reached your %s limit.", strings.ToLower(fault.Policy)), CorrelationID: "c-429"})
		case http.StatusLocked:
			writeJSON(w, fault.Status, errBody{Status: "error", Category: "LOCKED", Message: "Another operation is updating these records.", CorrelationID: "c-423"})
		default:
			writeJSON(w, fault.Status, errBody{Status: "error", Message: "internal error", CorrelationID: "c-5xx"})
		}
		return
	}
	if len(req.Inputs) > 100 {
		writeJSON(w, http.StatusBadRequest, errBody{Status: "error", Category: "VALIDATION_ERROR",
			Message: fmt.Sprintf("Batch input size %d exceeds the limit of 100", len(req.Inputs)), CorrelationID: "c-400"})
		return
	}
	ids := map[string]bool{}
	for _, in := range req.Inputs {
		if in.IDProperty != "email" {
			writeJSON(w, http.StatusBadRequest, errBody{Status: "error", Category: "VALIDATION_ERROR",
				Message: fmt.Sprintf("idProperty %q is not a unique property", in.IDProperty)})
			return
		}
		id := strings.ToLower(in.ID)
		if ids[id] {
			writeJSON(w, http.StatusBadRequest, errBody{Status: "error", Category: "VALIDATION_ERROR",
				Message: "Duplicate IDs found in batch input: [" + id + "]. IDs must be unique"})
			return
		}
		ids[id] = true
		for k := range in.Properties {
			if !standard[k] && !s.Custom[k] {
				writeJSON(w, http.StatusBadRequest, errBody{Status: "error", Category: "VALIDATION_ERROR",
					Message: fmt.Sprintf("Property values were not valid: [{\"isValid\":false,\"message\":\"Property \\\"%s\\\" does not exist\",\"error\":\"PROPERTY_DOESNT_EXIST\",\"name\":\"%s\"}]", k, k)})
				return
			}
		}
		// HubSpot refuses a whole batch without objectWriteTraceId; with
		// it, a bad record becomes a 207 item. This one is always whole.
		if strings.HasSuffix(id, ".reject-batch") {
			writeJSON(w, http.StatusBadRequest, errBody{Status: "error", Category: "VALIDATION_ERROR",
				Message: "Property values were not valid: email " + id + " is blocked"})
			return
		}
	}
	type result struct {
		ID                 string            `json:"id"`
		ObjectWriteTraceID string            `json:"objectWriteTraceId,omitempty"`
		Properties         map[string]string `json:"properties"`
		New                bool              `json:"new"`
		CreatedAt          string            `json:"createdAt"`
		UpdatedAt          string            `json:"updatedAt"`
	}
	var results []result
	var errs []errBody
	now := time.Now().UTC().Format(time.RFC3339)
	for _, in := range req.Inputs {
		id := strings.ToLower(in.ID)
		problem := ""
		if !strings.Contains(id, "@") || strings.HasSuffix(id, ".invalid") {
			problem = fmt.Sprintf("Property values were not valid: [{\"isValid\":false,\"message\":\"Email address %s is invalid\",\"error\":\"INVALID_EMAIL\",\"name\":\"email\"}]", id)
		}
		if st, ok := in.Properties["lifecyclestage"]; ok && !stages[st] {
			problem = fmt.Sprintf("Property values were not valid: %s was not one of the allowed options", st)
		}
		if problem != "" {
			if in.ObjectWriteTraceID == "" {
				writeJSON(w, http.StatusBadRequest, errBody{Status: "error", Category: "VALIDATION_ERROR", Message: problem})
				return
			}
			errs = append(errs, errBody{Status: "error", Category: "VALIDATION_ERROR", Message: problem,
				Context: map[string][]string{"objectWriteTraceId": {in.ObjectWriteTraceID}}})
			continue
		}
		c := s.contacts[id]
		isNew := c == nil
		if isNew {
			s.nextID++
			c = &Contact{ID: strconv.Itoa(s.nextID), Properties: map[string]string{"email": id}}
			s.contacts[id] = c
		}
		for k, v := range in.Properties {
			c.Properties[k] = v
		}
		c.Writes++
		results = append(results, result{ID: c.ID, ObjectWriteTraceID: in.ObjectWriteTraceID, Properties: c.Properties, New: isNew, CreatedAt: now, UpdatedAt: now})
	}
	if fault != nil && fault.DropAfterWrite {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
	}
	body := map[string]any{"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": now}
	status := http.StatusOK
	if len(errs) > 0 {
		body["errors"] = errs
		body["numErrors"] = len(errs)
		status = http.StatusMultiStatus
	}
	writeJSON(w, status, body)
}

// archive follows DELETE /crm/v3/objects/contacts/{contactId}: 204, also
// for an ID that does not exist (HubSpot answers 204 for those too).
func (s *Server) archive(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.take(id); c != nil {
		s.Archived[id] = *c
	}
	w.WriteHeader(http.StatusNoContent)
}

// gdprDelete follows POST /crm/v3/objects/contacts/gdpr-delete with
// {"objectId": ID}: 204; 404 for an ID that does not exist. (With
// "idProperty": "email" an unknown address is blocklisted; leadcap never
// sends one, it no longer has it.)
func (s *Server) gdprDelete(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ObjectID   string `json:"objectId"`
		IDProperty string `json:"idProperty"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.ObjectID == "" {
		writeJSON(w, http.StatusBadRequest, errBody{Status: "error", Category: "VALIDATION_ERROR", Message: "objectId is required", CorrelationID: "c-400"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.take(in.ObjectID)
	if in.IDProperty != "" || c == nil {
		writeJSON(w, http.StatusNotFound, errBody{Status: "error", Category: "OBJECT_NOT_FOUND", Message: "resource not found", CorrelationID: "c-404"})
		return
	}
	s.Purged[in.ObjectID] = *c
	w.WriteHeader(http.StatusNoContent)
}

// take removes the contact of an ID and returns it (nil when none).
func (s *Server) take(id string) *Contact {
	for email, c := range s.contacts {
		if c.ID == id {
			delete(s.contacts, email)
			s.dropAssociations(id)
			return c
		}
	}
	return nil
}
