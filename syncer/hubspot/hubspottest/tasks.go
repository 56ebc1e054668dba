package hubspottest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The tasks endpoints as HubSpot documents them:
//
//	POST   /crm/v3/objects/tasks              201, the task; hs_timestamp is required
//	POST   /crm/v3/objects/tasks/batch/create 201 {results}; up to 100 inputs, 400 for the whole batch when one is bad
//	POST   /crm/v3/objects/tasks/batch/read   200 (207 with errors for IDs not found)
//	POST   /crm/v3/objects/tasks/batch/update 200 {results}; up to 100 inputs {id, properties}; 400 for the whole
//	       batch when a property is bad; 207 with an OBJECT_NOT_FOUND error naming the IDs that do not exist
//	PATCH  /crm/v3/objects/tasks/{taskId}     200, the task; 404 unknown
//	DELETE /crm/v3/objects/tasks/{taskId}     204 (also for an unknown ID)
//	GET    /crm/v4/objects/contacts/{id}/associations/tasks   200 {results: [{toObjectId, associationTypes}], paging}
//	POST   /crm/v4/associations/contacts/tasks/batch/read     200 {results: [{from: {id}, to: [...], paging}]};
//	       207 with an error naming the contacts that have no tasks (or do not exist)

var taskStatuses = map[string]bool{"NOT_STARTED": true, "IN_PROGRESS": true, "WAITING": true, "COMPLETED": true, "DEFERRED": true}

var taskStandard = map[string]bool{
	"hs_timestamp": true, "hs_task_subject": true, "hs_task_body": true, "hs_task_status": true,
	"hs_task_priority": true, "hs_task_type": true, "hubspot_owner_id": true, "hs_task_reminders": true,
}

type taskReply struct {
	ID         string            `json:"id"`
	Properties map[string]string `json:"properties"`
	CreatedAt  string            `json:"createdAt"`
	UpdatedAt  string            `json:"updatedAt"`
	Archived   bool              `json:"archived"`
}

func (t *Task) reply() taskReply {
	now := time.Now().UTC().Format(time.RFC3339)
	return taskReply{ID: t.ID, Properties: t.Properties, CreatedAt: now, UpdatedAt: now}
}

func (s *Server) checkTaskProps(w http.ResponseWriter, p map[string]string) bool {
	for k, v := range p {
		if !taskStandard[k] {
			writeJSON(w, http.StatusBadRequest, errBody{Status: "error", Category: "VALIDATION_ERROR",
				Message: fmt.Sprintf("Property values were not valid: [{\"isValid\":false,\"message\":\"Property \\\"%s\\\" does not exist\",\"error\":\"PROPERTY_DOESNT_EXIST\",\"name\":\"%s\"}]", k, k)})
			return false
		}
		if k == "hs_task_status" && !taskStatuses[v] {
			writeJSON(w, http.StatusBadRequest, errBody{Status: "error", Category: "VALIDATION_ERROR",
				Message: fmt.Sprintf("Property values were not valid: %s was not one of the allowed options", v)})
			return false
		}
		if k == "hs_timestamp" {
			if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
				if _, err := strconv.ParseInt(v, 10, 64); err != nil {
					writeJSON(w, http.StatusBadRequest, errBody{Status: "error", Category: "VALIDATION_ERROR",
						Message: "Property values were not valid: hs_timestamp " + v + " is not a valid date"})
					return false
				}
			}
		}
	}
	return true
}

// taskInput is one task to create, as POST /crm/v3/objects/tasks and each
// input of the batch create carry it.
type taskInput struct {
	Properties   map[string]string `json:"properties"`
	Associations []struct {
		To struct {
			ID json.Number `json:"id"`
		} `json:"to"`
		Types []struct {
			Category string `json:"associationCategory"`
			TypeID   int    `json:"associationTypeId"`
		} `json:"types"`
	} `json:"associations"`
	ObjectWriteTraceID string `json:"objectWriteTraceId"`
}

// checkTask validates a task to create; it answers the request and
// returns false when the task is not valid. Call with s.mu held.
func (s *Server) checkTask(w http.ResponseWriter, in taskInput) (contacts []string, ok bool) {
	if in.Properties["hs_timestamp"] == "" {
		writeJSON(w, http.StatusBadRequest, errBody{Status: "error", Category: "VALIDATION_ERROR",
			Message: "Property values were not valid: hs_timestamp is required"})
		return nil, false
	}
	if !s.checkTaskProps(w, in.Properties) {
		return nil, false
	}
	for _, a := range in.Associations {
		id := a.To.ID.String()
		if len(a.Types) != 1 || a.Types[0].Category != "HUBSPOT_DEFINED" || a.Types[0].TypeID != 204 {
			writeJSON(w, http.StatusBadRequest, errBody{Status: "error", Category: "VALIDATION_ERROR",
				Message: "association type is not valid between task and contact: use HUBSPOT_DEFINED 204"})
			return nil, false
		}
		if s.contactByID(id) == nil {
			writeJSON(w, http.StatusBadRequest, errBody{Status: "error", Category: "VALIDATION_ERROR",
				Message: fmt.Sprintf("Could not find contact with id %s to associate with", id)})
			return nil, false
		}
		contacts = append(contacts, id)
	}
	return contacts, true
}

// storeTask stores a checked task. Call with s.mu held.
func (s *Server) storeTask(in taskInput, contacts []string) *Task {
	s.nextID++
	t := &Task{ID: strconv.Itoa(s.nextID), Properties: map[string]string{"hs_task_status": "NOT_STARTED"}, Contacts: contacts}
	for k, v := range in.Properties {
		t.Properties[k] = v
	}
	s.tasks[t.ID] = t
	return t
}

// taskFault takes the next queued task fault and answers the request
// when it fails before the write (true: answered). Call with s.mu held.
func (s *Server) taskFault(w http.ResponseWriter) (fault *Fault, answered bool) {
	if len(s.taskFaults) > 0 {
		f := s.taskFaults[0]
		s.taskFaults = s.taskFaults[1:]
		fault = &f
	}
	switch {
	case fault == nil || fault.DropAfterWrite:
	case fault.Status == 0: // Fault{}: this request goes through
		return nil, false
	case fault.Status == http.StatusBadRequest:
		writeJSON(w, fault.Status, errBody{Status: "error", Category: "VALIDATION_ERROR", Message: "Property values were not valid", CorrelationID: "c-400"})
		return fault, true
	default:
		if fault.RetryAfter != "" {
			w.Header().Set("Retry-After", fault.RetryAfter)
		}
		writeJSON(w, fault.Status, errBody{Status: "error", Message: "internal error", CorrelationID: "c-5xx"})
		return fault, true
	}
	return fault, false
}

// dropped closes the connection without an answer after the write.
func dropped(w http.ResponseWriter, fault *Fault) bool {
	if fault == nil || !fault.DropAfterWrite {
		return false
	}
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return true
		}
	}
	return false
}

func (s *Server) createTask(w http.ResponseWriter, r *http.Request) {
	var in taskInput
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, errBody{Status: "error", Category: "VALIDATION_ERROR", Message: "Invalid input JSON: " + err.Error()})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.TaskCreates++
	s.TaskCreateRequests++
	fault, answered := s.taskFault(w)
	if answered {
		return
	}
	contacts, ok := s.checkTask(w, in)
	if !ok {
		return
	}
	t := s.storeTask(in, contacts)
	if dropped(w, fault) {
		return
	}
	writeJSON(w, http.StatusCreated, t.reply())
}

// MaxTaskBatch is the most inputs a tasks batch create takes.
const MaxTaskBatch = 100

// createTasks follows POST /crm/v3/objects/tasks/batch/create: up to 100
// inputs, each with its associations inline; HubSpot validates the whole
// batch first, so a bad input refuses the batch with 400 and creates
// nothing; 201 with the tasks (and each input's objectWriteTraceId).
func (s *Server) createTasks(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Inputs []taskInput `json:"inputs"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, errBody{Status: "error", Category: "VALIDATION_ERROR", Message: "Invalid input JSON: " + err.Error()})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.TaskCreates += len(req.Inputs)
	s.TaskCreateRequests++
	if len(req.Inputs) > s.MaxTaskBatchSeen {
		s.MaxTaskBatchSeen = len(req.Inputs)
	}
	if tooManyInputs(w, len(req.Inputs)) {
		return
	}
	fault, answered := s.taskFault(w)
	if answered {
		return
	}
	all := make([][]string, len(req.Inputs))
	for i, in := range req.Inputs {
		contacts, ok := s.checkTask(w, in)
		if !ok {
			return
		}
		all[i] = contacts
	}
	type result struct {
		taskReply
		ObjectWriteTraceID string `json:"objectWriteTraceId,omitempty"`
	}
	results := make([]result, len(req.Inputs))
	for i, in := range req.Inputs {
		results[i] = result{s.storeTask(in, all[i]).reply(), in.ObjectWriteTraceID}
	}
	if dropped(w, fault) {
		return
	}
	now := time.Now().UTC().Format(time.RFC3339)
	writeJSON(w, http.StatusCreated, map[string]any{"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": now})
}

func (s *Server) readTasks(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Properties []string `json:"properties"`
		Inputs     []struct {
			ID string `json:"id"`
		} `json:"inputs"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, errBody{Status: "error", Category: "VALIDATION_ERROR", Message: "Invalid input JSON: " + err.Error()})
		return
	}
	if tooManyInputs(w, len(req.Inputs)) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	results := []taskReply{}
	var missing []string
	for _, in := range req.Inputs {
		t := s.tasks[in.ID]
		if t == nil {
			missing = append(missing, in.ID)
			continue
		}
		// Only the properties asked for come back (and none unset).
		p := map[string]string{}
		for _, k := range req.Properties {
			if v, ok := t.Properties[k]; ok {
				p[k] = v
			}
		}
		rep := t.reply()
		rep.Properties = p
		results = append(results, rep)
	}
	writeTaskBatch(w, "get", results, missing)
}

func (s *Server) updateTask(w http.ResponseWriter, r *http.Request, id string) {
	var req struct {
		Properties map[string]string `json:"properties"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, errBody{Status: "error", Category: "VALIDATION_ERROR", Message: "Invalid input JSON: " + err.Error()})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tasks[id]
	if t == nil {
		writeJSON(w, http.StatusNotFound, errBody{Status: "error", Category: "OBJECT_NOT_FOUND", Message: "resource not found", CorrelationID: "c-404"})
		return
	}
	if !s.checkTaskProps(w, req.Properties) {
		return
	}
	for k, v := range req.Properties {
		t.Properties[k] = v
	}
	writeJSON(w, http.StatusOK, t.reply())
}

// updateTasks follows POST /crm/v3/objects/tasks/batch/update: up to 100
// inputs; the properties of all are validated first (400 for the whole
// batch, nothing written); the tasks that exist are updated and an ID that
// does not is named in a 207's OBJECT_NOT_FOUND error.
func (s *Server) updateTasks(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Inputs []struct {
			ID                 string            `json:"id"`
			Properties         map[string]string `json:"properties"`
			ObjectWriteTraceID string            `json:"objectWriteTraceId"`
		} `json:"inputs"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, errBody{Status: "error", Category: "VALIDATION_ERROR", Message: "Invalid input JSON: " + err.Error()})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.TaskUpdateRequests++
	if tooManyInputs(w, len(req.Inputs)) {
		return
	}
	fault, answered := s.taskFault(w)
	if answered {
		return
	}
	for _, in := range req.Inputs {
		if !s.checkTaskProps(w, in.Properties) {
			return
		}
	}
	results := []taskReply{}
	var missing []string
	for _, in := range req.Inputs {
		t := s.tasks[in.ID]
		if t == nil {
			missing = append(missing, in.ID)
			continue
		}
		for k, v := range in.Properties {
			t.Properties[k] = v
		}
		results = append(results, t.reply())
	}
	if dropped(w, fault) {
		return
	}
	writeTaskBatch(w, "update", results, missing)
}

// tooManyInputs refuses a tasks batch request of more than MaxTaskBatch
// inputs as HubSpot does (400, nothing done).
func tooManyInputs(w http.ResponseWriter, n int) bool {
	if n <= MaxTaskBatch {
		return false
	}
	writeJSON(w, http.StatusBadRequest, errBody{Status: "error", Category: "VALIDATION_ERROR",
		Message: fmt.Sprintf("Batch input size of %d exceeds the limit of %d", n, MaxTaskBatch)})
	return true
}

// writeTaskBatch answers a tasks batch read or update: 200 with the
// results, or 207 with an OBJECT_NOT_FOUND error naming the missing IDs.
func writeTaskBatch(w http.ResponseWriter, verb string, results []taskReply, missing []string) {
	now := time.Now().UTC().Format(time.RFC3339)
	body := map[string]any{"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": now}
	status := http.StatusOK
	if len(missing) > 0 {
		status = http.StatusMultiStatus
		body["numErrors"] = 1
		body["errors"] = []errBody{{Status: "error", Category: "OBJECT_NOT_FOUND", Message: "Could not " + verb + " some TASK objects, they may be deleted or not exist.",
			Context: map[string][]string{"ids": missing}}}
	}
	writeJSON(w, status, body)
}

func (s *Server) archiveTask(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.tasks[id]; t != nil {
		s.ArchivedTasks[id] = *t
		delete(s.tasks, id)
	}
	w.WriteHeader(http.StatusNoContent)
}

// contactTasks lists the tasks associated with a contact, 500 a page
// (limit), continued with after; 404 for a contact that does not exist.
func (s *Server) contactTasks(w http.ResponseWriter, r *http.Request, contactID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.contactByID(contactID) == nil {
		writeJSON(w, http.StatusNotFound, errBody{Status: "error", Category: "OBJECT_NOT_FOUND", Message: "resource not found", CorrelationID: "c-404"})
		return
	}
	var ids []int
	for _, t := range s.tasks {
		if slices.Contains(t.Contacts, contactID) {
			n, _ := strconv.Atoi(t.ID)
			ids = append(ids, n)
		}
	}
	slices.Sort(ids)
	limit := 500
	if l, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && l > 0 && l < limit {
		limit = l
	}
	start := 0
	if a := r.URL.Query().Get("after"); a != "" {
		start, _ = strconv.Atoi(a)
	}
	type assocType struct {
		Category string  `json:"category"`
		TypeID   int     `json:"typeId"`
		Label    *string `json:"label"`
	}
	type result struct {
		ToObjectID       int         `json:"toObjectId"`
		AssociationTypes []assocType `json:"associationTypes"`
	}
	results := []result{}
	for i := start; i < len(ids) && i < start+limit; i++ {
		results = append(results, result{ToObjectID: ids[i], AssociationTypes: []assocType{{Category: "HUBSPOT_DEFINED", TypeID: 204}}})
	}
	body := map[string]any{"results": results}
	if start+limit < len(ids) {
		body["paging"] = map[string]any{"next": map[string]string{"after": strconv.Itoa(start + limit)}}
	}
	writeJSON(w, http.StatusOK, body)
}

// contactByID returns the contact with the ID, or nil.
func (s *Server) contactByID(id string) *Contact {
	for _, c := range s.contacts {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// dropAssociations removes a removed contact from its tasks' associations,
// as HubSpot does.
func (s *Server) dropAssociations(contactID string) {
	for _, t := range s.tasks {
		t.Contacts = slices.DeleteFunc(t.Contacts, func(id string) bool { return id == contactID })
	}
}

// AssocPageSize is the page size of the associations batch read per
// contact (HubSpot's is larger); a test lowers it to exercise paging.
var AssocPageSize = 500

func (s *Server) batchContactTasks(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Inputs []struct {
			ID    string `json:"id"`
			After string `json:"after"`
		} `json:"inputs"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Inputs) == 0 {
		writeJSON(w, http.StatusBadRequest, errBody{Status: "error", Category: "VALIDATION_ERROR", Message: "inputs are required"})
		return
	}
	if len(req.Inputs) > 1000 {
		writeJSON(w, http.StatusBadRequest, errBody{Status: "error", Category: "VALIDATION_ERROR",
			Message: fmt.Sprintf("Batch input size %d exceeds the limit of 1000", len(req.Inputs))})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	type assocType struct {
		Category string  `json:"category"`
		TypeID   int     `json:"typeId"`
		Label    *string `json:"label"`
	}
	type to struct {
		ToObjectID       int         `json:"toObjectId"`
		AssociationTypes []assocType `json:"associationTypes"`
	}
	type result struct {
		From   map[string]string `json:"from"`
		To     []to              `json:"to"`
		Paging map[string]any    `json:"paging,omitempty"`
	}
	results := []result{}
	var none []string
	for _, in := range req.Inputs {
		var ids []int
		if s.contactByID(in.ID) != nil {
			for _, t := range s.tasks {
				if slices.Contains(t.Contacts, in.ID) {
					n, _ := strconv.Atoi(t.ID)
					ids = append(ids, n)
				}
			}
		}
		slices.Sort(ids)
		start, _ := strconv.Atoi(in.After)
		if start >= len(ids) {
			none = append(none, in.ID)
			continue
		}
		res := result{From: map[string]string{"id": in.ID}}
		for i := start; i < len(ids) && i < start+AssocPageSize; i++ {
			res.To = append(res.To, to{ToObjectID: ids[i], AssociationTypes: []assocType{{Category: "HUBSPOT_DEFINED", TypeID: 204}}})
		}
		if start+AssocPageSize < len(ids) {
			res.Paging = map[string]any{"next": map[string]string{"after": strconv.Itoa(start + AssocPageSize)}}
		}
		results = append(results, res)
	}
	now := time.Now().UTC().Format(time.RFC3339)
	body := map[string]any{"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": now}
	status := http.StatusOK
	if len(none) > 0 {
		status = http.StatusMultiStatus
		body["numErrors"] = 1
		body["errors"] = []errBody{{Status: "error", Category: "OBJECT_NOT_FOUND", Message: "No tasks are associated with contacts " + strings.Join(none, ", "),
			Context: map[string][]string{"fromObjectId": none}}}
	}
	writeJSON(w, status, body)
}
