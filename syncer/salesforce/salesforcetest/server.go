package salesforcetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// Server is the fake org.
type Server struct {
	*httptest.Server
	Token           string
	ExternalIDField string
	// DailyMax is the org's daily API allowance; Used counts requests.
	DailyMax, Used int
	// Custom fields that exist on Lead besides the external ID field.
	Custom map[string]bool
	// Required lists fields the org requires on creation besides LastName
	// and Company (a validation rule or page layout of the customer's).
	Required []string
	// LockNext makes the next n records fail with UNABLE_TO_LOCK_ROW.
	LockNext int
	// Unavailable makes the next n requests answer 503.
	Unavailable int

	mu    sync.Mutex
	leads map[string]map[string]any // by external ID
	// RecycleBin holds the deleted leads by external ID, as Salesforce
	// keeps them for 15 days.
	RecycleBin map[string]map[string]any
	ids        map[string]string
	nextID     int
	// tasks by ID; TaskRecycleBin holds the deleted ones, also those
	// deleted with their Lead.
	tasks          map[string]map[string]any
	TaskRecycleBin map[string]map[string]any
	// LoseTaskReplies makes the next n task creates save the task and
	// close the connection without a reply.
	LoseTaskReplies int
	// TaskCreates counts POST /sobjects/Task requests.
	TaskCreates int
	// QueryPageSize is the number of records per query page (Salesforce's
	// default 2000); the rest follows under nextRecordsUrl.
	QueryPageSize int
	cursors       map[string][]map[string]any
	// Queries counts query requests (first pages and more).
	Queries  int
	Requests int
	MaxSeen  int
}

var standard = map[string]bool{
	"FirstName": true, "LastName": true, "Company": true, "Title": true, "Email": true, "Phone": true,
	"MobilePhone": true, "Website": true, "Street": true, "City": true, "State": true, "PostalCode": true,
	"Country": true, "LeadSource": true, "Status": true, "Rating": true, "Description": true,
}

var statuses = map[string]bool{
	"Open - Not Contacted": true, "Working - Contacted": true, "Closed - Converted": true, "Closed - Not Converted": true,
}

// New starts a fake org.
func New(token, externalID string, custom ...string) *Server {
	s := &Server{Token: token, ExternalIDField: externalID, DailyMax: 15000, Custom: map[string]bool{},
		leads: map[string]map[string]any{}, ids: map[string]string{},
		RecycleBin: map[string]map[string]any{},
		tasks:      map[string]map[string]any{}, TaskRecycleBin: map[string]map[string]any{}}
	for _, c := range custom {
		s.Custom[c] = true
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Leads returns a copy of the stored leads by external ID.
func (s *Server) Leads() map[string]map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]map[string]any{}
	for k, v := range s.leads {
		c := map[string]any{}
		for f, x := range v {
			c[f] = x
		}
		out[k] = c
	}
	return out
}

// Edit changes a field as a Salesforce user would.
func (s *Server) Edit(externalID, field string, value any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l := s.leads[externalID]; l != nil {
		l[field] = value
	}
}

type sfError struct {
	Message    string   `json:"message"`
	ErrorCode  string   `json:"errorCode,omitempty"`
	StatusCode string   `json:"statusCode,omitempty"`
	Fields     []string `json:"fields,omitempty"`
}

func (s *Server) reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/%d", s.Used, s.DailyMax))
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+s.Token {
		s.reply(w, http.StatusUnauthorized, []sfError{{Message: "Session expired or invalid", ErrorCode: "INVALID_SESSION_ID"}})
		return
	}
	if s.Used >= s.DailyMax {
		s.reply(w, http.StatusForbidden, []sfError{{Message: "TotalRequests Limit exceeded.", ErrorCode: "REQUEST_LIMIT_EXCEEDED"}})
		return
	}
	s.Used++
	if s.Unavailable > 0 {
		s.Unavailable--
		w.Header().Set("Retry-After", "5")
		s.reply(w, http.StatusServiceUnavailable, []sfError{{Message: "Server temporarily unavailable", ErrorCode: "SERVER_UNAVAILABLE"}})
		return
	}
	const prefix = "/services/data/"
	if !strings.HasPrefix(r.URL.Path, prefix) {
		s.reply(w, http.StatusNotFound, []sfError{{Message: "The requested resource does not exist", ErrorCode: "NOT_FOUND"}})
		return
	}
	rest := strings.TrimPrefix(r.URL.Path, prefix)
	version, rest, _ := strings.Cut(rest, "/")
	if len(version) < 5 || version[0] != 'v' {
		s.reply(w, http.StatusNotFound, []sfError{{Message: "The requested resource does not exist", ErrorCode: "NOT_FOUND"}})
		return
	}
	switch {
	case rest == "limits" && r.Method == http.MethodGet:
		s.reply(w, http.StatusOK, map[string]any{"DailyApiRequests": map[string]int{"Max": s.DailyMax, "Remaining": s.DailyMax - s.Used}})
	case rest == "composite/sobjects/Lead/"+s.ExternalIDField:
		if r.Method != http.MethodPatch {
			s.reply(w, http.StatusMethodNotAllowed, []sfError{{Message: "HTTP Method '" + r.Method + "' not allowed. Allowed are PATCH", ErrorCode: "METHOD_NOT_ALLOWED"}})
			return
		}
		s.upsert(w, r)
	case rest == "query" && r.Method == http.MethodGet:
		s.Queries++
		s.query(w, r.URL.Query().Get("q"))
	case strings.HasPrefix(rest, "query/") && r.Method == http.MethodGet:
		s.Queries++
		s.queryMore(w, strings.TrimPrefix(rest, "query/"))
	case rest == "sobjects/Task" || rest == "sobjects/Task/":
		if r.Method != http.MethodPost {
			s.reply(w, http.StatusMethodNotAllowed, []sfError{{Message: "HTTP Method '" + r.Method + "' not allowed. Allowed are GET,HEAD,POST", ErrorCode: "METHOD_NOT_ALLOWED"}})
			return
		}
		s.createTask(w, r)
	case strings.HasPrefix(rest, "sobjects/Task/") && r.Method == http.MethodPatch:
		s.updateTask(w, r, strings.TrimPrefix(rest, "sobjects/Task/"))
	case strings.HasPrefix(rest, "sobjects/Task/") && r.Method == http.MethodDelete:
		s.deleteTask(w, strings.TrimPrefix(rest, "sobjects/Task/"))
	case r.Method == http.MethodDelete && strings.HasPrefix(rest, "sobjects/Lead/"+s.ExternalIDField+"/"):
		s.delete(w, strings.TrimPrefix(rest, "sobjects/Lead/"+s.ExternalIDField+"/"))
	case r.Method == http.MethodPatch && strings.HasPrefix(rest, "sobjects/Lead/") && strings.Count(rest, "/") == 2:
		s.update(w, r, strings.TrimPrefix(rest, "sobjects/Lead/"))
	case strings.HasPrefix(rest, "composite/sobjects/Lead/"):
		s.reply(w, http.StatusBadRequest, []sfError{{Message: "Provided external ID field does not exist or is not accessible: " + strings.TrimPrefix(rest, "composite/sobjects/Lead/"), ErrorCode: "NOT_FOUND"}})
	default:
		s.reply(w, http.StatusNotFound, []sfError{{Message: "The requested resource does not exist", ErrorCode: "NOT_FOUND"}})
	}
}

func (s *Server) upsert(w http.ResponseWriter, r *http.Request) {
	var req struct {
		AllOrNone *bool            `json:"allOrNone"`
		Records   []map[string]any `json:"records"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		s.reply(w, http.StatusBadRequest, []sfError{{Message: "JSON parser error: " + err.Error(), ErrorCode: "JSON_PARSER_ERROR"}})
		return
	}
	s.Requests++
	if len(req.Records) > s.MaxSeen {
		s.MaxSeen = len(req.Records)
	}
	if len(req.Records) > 200 {
		s.reply(w, http.StatusBadRequest, []sfError{{Message: "record limit reached. cannot submit more than 200 records into this call", ErrorCode: "EXCEEDED_ID_LIMIT"}})
		return
	}
	if req.AllOrNone == nil || *req.AllOrNone {
		s.reply(w, http.StatusBadRequest, []sfError{{Message: "this fake expects allOrNone false", ErrorCode: "INVALID_INPUT"}})
		return
	}
	for _, rec := range req.Records {
		attrs, _ := rec["attributes"].(map[string]any)
		if attrs == nil || attrs["type"] != "Lead" {
			s.reply(w, http.StatusBadRequest, []sfError{{Message: "When upserting by external ID, each record must have attributes with type Lead", ErrorCode: "INVALID_TYPE"}})
			return
		}
		for f := range rec {
			if f != "attributes" && f != s.ExternalIDField && !standard[f] && !s.Custom[f] {
				s.reply(w, http.StatusBadRequest, []sfError{{Message: fmt.Sprintf("No such column '%s' on sobject of type Lead", f), ErrorCode: "INVALID_FIELD"}})
				return
			}
		}
	}
	type result struct {
		ID      *string   `json:"id"`
		Success bool      `json:"success"`
		Errors  []sfError `json:"errors"`
		Created bool      `json:"created,omitempty"`
	}
	results := make([]result, 0, len(req.Records))
	for _, rec := range req.Records {
		ext, _ := rec[s.ExternalIDField].(string)
		fail := func(e ...sfError) { results = append(results, result{Errors: e}) }
		if ext == "" {
			fail(sfError{StatusCode: "MISSING_ARGUMENT", Message: s.ExternalIDField + " not specified", Fields: []string{}})
			continue
		}
		if s.LockNext > 0 {
			s.LockNext--
			fail(sfError{StatusCode: "UNABLE_TO_LOCK_ROW", Message: "unable to obtain exclusive access to this record", Fields: []string{}})
			continue
		}
		if st, ok := rec["Status"].(string); ok && !statuses[st] {
			fail(sfError{StatusCode: "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", Message: "Lead Status: bad value for restricted picklist field: " + st, Fields: []string{"Status"}})
			continue
		}
		cur, exists := s.leads[ext]
		if !exists {
			var missing []string
			for _, f := range append([]string{"LastName", "Company"}, s.Required...) {
				if v, _ := rec[f].(string); v == "" {
					missing = append(missing, f)
				}
			}
			if len(missing) > 0 {
				fail(sfError{StatusCode: "REQUIRED_FIELD_MISSING", Message: "Required fields are missing: [" + strings.Join(missing, ", ") + "]", Fields: missing})
				continue
			}
			s.nextID++
			cur = map[string]any{}
			s.leads[ext] = cur
			s.ids[ext] = fmt.Sprintf("00Q5g%010dAAA", s.nextID)
		}
		for f, v := range rec {
			if f != "attributes" {
				cur[f] = v
			}
		}
		id := s.ids[ext]
		results = append(results, result{ID: &id, Success: true, Errors: []sfError{}, Created: !exists})
	}
	s.reply(w, http.StatusOK, results)
}

var notFound = []sfError{{Message: "The requested resource does not exist", ErrorCode: "NOT_FOUND"}}

// delete follows DELETE /sobjects/Lead/{externalIdField}/{value}: 204, or
// 404 when no lead has that value. The lead goes to the recycle bin.
func (s *Server) delete(w http.ResponseWriter, ext string) {
	l, ok := s.leads[ext]
	if !ok {
		s.reply(w, http.StatusNotFound, notFound)
		return
	}
	s.RecycleBin[ext] = l
	delete(s.leads, ext)
	// The Lead's activities go to the recycle bin with it.
	for id, t := range s.tasks {
		if t["WhoId"] == s.ids[ext] {
			s.TaskRecycleBin[id] = t
			delete(s.tasks, id)
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

// update follows PATCH /sobjects/Lead/{id}: the fields given are set, a
// null clears one; 204, or 404 for an unknown ID.
func (s *Server) update(w http.ResponseWriter, r *http.Request, id string) {
	var fields map[string]any
	if err := json.NewDecoder(r.Body).Decode(&fields); err != nil {
		s.reply(w, http.StatusBadRequest, []sfError{{Message: "JSON_PARSER_ERROR", ErrorCode: "JSON_PARSER_ERROR"}})
		return
	}
	for ext, rid := range s.ids {
		l, ok := s.leads[ext]
		if rid != id || !ok {
			continue
		}
		for f, v := range fields {
			if !standard[f] && !s.Custom[f] {
				s.reply(w, http.StatusBadRequest, []sfError{{Message: "No such column '" + f + "' on sobject of type Lead", ErrorCode: "INVALID_FIELD"}})
				return
			}
			if v == nil {
				delete(l, f)
			} else {
				l[f] = v
			}
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.reply(w, http.StatusNotFound, notFound)
}
