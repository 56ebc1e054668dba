package salesforcetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
)

// The Task resources as Salesforce documents them (REST API, sObject Basic
// Information / sObject Rows, Query):
//
//	POST   /services/data/vXX.X/sobjects/Task/       201 {"id", "success", "errors"}
//	PATCH  /services/data/vXX.X/sobjects/Task/{id}   204; 404 NOT_FOUND
//	DELETE /services/data/vXX.X/sobjects/Task/{id}   204 (to the recycle bin); 404 NOT_FOUND
//	GET    /services/data/vXX.X/query?q=SOQL         200 {"totalSize", "done", "records": [{"attributes", fields...}]}
//
// Errors are arrays of {"message", "errorCode", "fields"}.

var taskFields = map[string]bool{
	"WhoId": true, "WhatId": true, "Subject": true, "ActivityDate": true, "Status": true, "Priority": true,
	"Description": true, "OwnerId": true, "Type": true,
}

var taskStatuses = map[string]bool{
	"Not Started": true, "In Progress": true, "Completed": true, "Waiting on someone else": true, "Deferred": true,
}

var dateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// Tasks returns a copy of the stored (not deleted) tasks by ID.
func (s *Server) Tasks() map[string]map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]map[string]any{}
	for id, t := range s.tasks {
		c := map[string]any{}
		for k, v := range t {
			c[k] = v
		}
		out[id] = c
	}
	return out
}

// LeadID returns the Salesforce ID of the Lead with the external ID.
func (s *Server) LeadID(externalID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ids[externalID]
}

// EditTask changes a task's field as a Salesforce user would.
func (s *Server) EditTask(id, field string, value any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.tasks[id]; t != nil {
		t[field] = value
	}
}

func (s *Server) leadExists(sfid string) bool {
	for ext, id := range s.ids {
		if _, ok := s.leads[ext]; ok && id == sfid {
			return true
		}
	}
	return false
}

// checkTask validates the fields of a create or an update.
func (s *Server) checkTask(w http.ResponseWriter, fields map[string]any) bool {
	for f, v := range fields {
		if !taskFields[f] {
			s.reply(w, http.StatusBadRequest, []sfError{{Message: fmt.Sprintf("No such column '%s' on sobject of type Task", f), ErrorCode: "INVALID_FIELD"}})
			return false
		}
		str, _ := v.(string)
		switch f {
		case "Status":
			if !taskStatuses[str] {
				s.reply(w, http.StatusBadRequest, []sfError{{Message: "Status: bad value for restricted picklist field: " + str, ErrorCode: "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", Fields: []string{"Status"}}})
				return false
			}
		case "ActivityDate":
			if v != nil && !dateRE.MatchString(str) {
				s.reply(w, http.StatusBadRequest, []sfError{{Message: "Cannot deserialize instance of date from VALUE_STRING value " + str, ErrorCode: "JSON_PARSER_ERROR"}})
				return false
			}
		case "WhoId":
			if !s.leadExists(str) {
				s.reply(w, http.StatusBadRequest, []sfError{{Message: "Name ID: id value of incorrect type: " + str, ErrorCode: "FIELD_INTEGRITY_EXCEPTION", Fields: []string{"WhoId"}}})
				return false
			}
		}
	}
	return true
}

func (s *Server) createTask(w http.ResponseWriter, r *http.Request) {
	var fields map[string]any
	if err := json.NewDecoder(r.Body).Decode(&fields); err != nil {
		s.reply(w, http.StatusBadRequest, []sfError{{Message: "JSON_PARSER_ERROR", ErrorCode: "JSON_PARSER_ERROR"}})
		return
	}
	s.TaskCreates++
	if !s.checkTask(w, fields) {
		return
	}
	s.nextID++
	id := fmt.Sprintf("00T5g%010dAAA", s.nextID)
	t := map[string]any{"Status": "Not Started", "Priority": "Normal"}
	for f, v := range fields {
		t[f] = v
	}
	s.tasks[id] = t
	if s.LoseTaskReplies > 0 {
		s.LoseTaskReplies--
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
	}
	s.reply(w, http.StatusCreated, map[string]any{"id": id, "success": true, "errors": []sfError{}})
}

func (s *Server) updateTask(w http.ResponseWriter, r *http.Request, id string) {
	var fields map[string]any
	if err := json.NewDecoder(r.Body).Decode(&fields); err != nil {
		s.reply(w, http.StatusBadRequest, []sfError{{Message: "JSON_PARSER_ERROR", ErrorCode: "JSON_PARSER_ERROR"}})
		return
	}
	t := s.tasks[id]
	if t == nil {
		s.reply(w, http.StatusNotFound, notFound)
		return
	}
	if !s.checkTask(w, fields) {
		return
	}
	for f, v := range fields {
		if v == nil {
			delete(t, f)
		} else {
			t[f] = v
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) deleteTask(w http.ResponseWriter, id string) {
	t := s.tasks[id]
	if t == nil {
		s.reply(w, http.StatusNotFound, notFound)
		return
	}
	s.TaskRecycleBin[id] = t
	delete(s.tasks, id)
	w.WriteHeader(http.StatusNoContent)
}

// soqlRE is the one query form the fake answers: fields of Task by WhoId,
// one (=) or several (IN).
var soqlRE = regexp.MustCompile(`^SELECT ([A-Za-z, ]+) FROM Task WHERE WhoId (?:= '([A-Za-z0-9]{15,18})'|IN \(((?:'[A-Za-z0-9]{15,18}'(?:, )?)+)\))$`)

var idRE = regexp.MustCompile(`[A-Za-z0-9]{15,18}`)

func (s *Server) query(w http.ResponseWriter, q string) {
	m := soqlRE.FindStringSubmatch(q)
	if m == nil {
		s.reply(w, http.StatusBadRequest, []sfError{{Message: "unexpected token in query: " + q, ErrorCode: "MALFORMED_QUERY"}})
		return
	}
	var fields []string
	for _, f := range strings.Split(m[1], ",") {
		f = strings.TrimSpace(f)
		if f != "Id" && !taskFields[f] {
			s.reply(w, http.StatusBadRequest, []sfError{{Message: "No such column '" + f + "' on entity 'Task'", ErrorCode: "INVALID_FIELD"}})
			return
		}
		fields = append(fields, f)
	}
	who := map[string]bool{}
	if m[2] != "" {
		who[m[2]] = true
	}
	for _, id := range idRE.FindAllString(m[3], -1) {
		who[id] = true
	}
	ids := make([]string, 0)
	for id, t := range s.tasks {
		if w, _ := t["WhoId"].(string); who[w] {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	records := []map[string]any{}
	for _, id := range ids {
		rec := map[string]any{"attributes": map[string]string{"type": "Task", "url": "/services/data/v62.0/sobjects/Task/" + id}}
		for _, f := range fields {
			if f == "Id" {
				rec[f] = id
			} else {
				rec[f] = s.tasks[id][f] // nil for an empty field, as Salesforce answers
			}
		}
		records = append(records, rec)
	}
	s.replyPage(w, records, len(records))
}

// replyPage answers a query result of records, QueryPageSize at a time;
// the rest waits under a locator for GET /query/{locator}.
func (s *Server) replyPage(w http.ResponseWriter, records []map[string]any, total int) {
	size := s.QueryPageSize
	if size <= 0 {
		size = 2000
	}
	body := map[string]any{"totalSize": total, "done": true}
	if len(records) > size {
		s.nextID++
		loc := fmt.Sprintf("01gD0000000%07d-%d", s.nextID, size)
		if s.cursors == nil {
			s.cursors = map[string][]map[string]any{}
		}
		s.cursors[loc] = records[size:]
		body["done"] = false
		body["nextRecordsUrl"] = "/services/data/v62.0/query/" + loc
		records = records[:size]
	}
	body["records"] = records
	s.reply(w, http.StatusOK, body)
}

func (s *Server) queryMore(w http.ResponseWriter, loc string) {
	rest, ok := s.cursors[loc]
	if !ok {
		s.reply(w, http.StatusBadRequest, []sfError{{Message: "invalid query locator", ErrorCode: "INVALID_QUERY_LOCATOR"}})
		return
	}
	delete(s.cursors, loc)
	s.replyPage(w, rest, -1)
}
