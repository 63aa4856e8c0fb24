package fake

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/enkash-oss/enkash-go/api"
)

// handlers implements api.ServerInterface on top of the Server's store.
type handlers struct{ s *Server }

var _ api.ServerInterface = handlers{}

// GetAuthToken implements api.ServerInterface.
func (h handlers) GetAuthToken(w http.ResponseWriter, r *http.Request) { h.s.getAuthToken(w, r) }

// UpdateCustomer implements api.ServerInterface.
func (h handlers) UpdateCustomer(w http.ResponseWriter, r *http.Request, customerID string, params api.UpdateCustomerParams) {
	h.s.updateCustomer(w, r, customerID, params)
}

func (s *Server) updateCustomer(w http.ResponseWriter, r *http.Request, id string, params api.UpdateCustomerParams) {
	if !s.admitCaller(w, r) {
		return
	}
	var body api.UpdateCustomerRequest
	dec := json.NewDecoder(r.Body)
	if s.validator == nil {
		dec.DisallowUnknownFields() // the spec's additionalProperties: false; the validator checks it otherwise
	}
	if err := dec.Decode(&body); err != nil {
		s.writeError(w, r, http.StatusBadRequest, api.ErrorTypeValidationError, "Request validation failed",
			[]subError{decodeSubError[api.UpdateCustomerRequest](err, bodyBytes(r))})
		return
	}
	if !s.admitValid(w, r, false, func() []api.Violation { return api.ValidateUpdateCustomer(id, &params, &body) }) {
		return
	}
	modifiedBy := s.caller(r)

	s.mu.Lock()
	c, ok := s.customerUnder(id, params.ParentCompanyId)
	if _, exists := s.customers[id]; !exists && s.cfg.create { // the path id passed the spec's validation
		c, ok = api.CustomerResponse{CustomerId: id, CreatedBy: modifiedBy, CreatedOn: s.now().Truncate(time.Millisecond)}, true
		if params.ParentCompanyId != nil {
			c.ParentCompanyId = *params.ParentCompanyId
		}
	}
	if !ok {
		s.mu.Unlock()
		s.writeNotFound(w, r)
		return
	}
	if body.CustomerId.IsSpecified() {
		if body.CustomerId.IsNull() || body.CustomerId.MustGet() != id {
			s.mu.Unlock()
			s.writeError(w, r, http.StatusUnprocessableEntity, api.ErrorTypeUnprocessableRequest, "customerId cannot be changed",
				[]subError{{Object: "body", Field: "customerId", Message: "must be absent or equal to the customerId in the path"}})
			return
		}
	}
	now := s.now().Truncate(time.Millisecond) // Java timestamps carry milliseconds
	c = copyCustomer(c)
	applyPatch(&c, body, now, modifiedBy, s.nextID)
	s.customers[id] = c // stored values are never changed in place: c is safe to read unlocked
	s.mu.Unlock()

	s.writeSuccess(w, c)
}

// unknownField is how encoding/json names a property DisallowUnknownFields
// refused.
var unknownField = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^json: unknown field "(.*)"$`) })

// decodeSubError names, when it can, the body property a decoding error
// is about (a value of the wrong type, an unknown property); never the
// value. When encoding/json does not say which property (its v2 engine
// loses the name inside a custom UnmarshalJSON), each top-level property of
// the body is decoded alone into its field of T to find it.
func decodeSubError[T any](err error, body []byte) subError {
	var te *json.UnmarshalTypeError
	switch m := unknownField().FindStringSubmatch(err.Error()); {
	case m != nil:
		return subError{Object: "body", Field: m[1], Message: "unknown property"}
	case errors.As(err, &te) && te.Field != "":
		return subError{Object: "body", Field: te.Field, Message: "must be " + te.Type.Kind().String()}
	case errors.As(err, &te):
		var props map[string]json.RawMessage
		if json.Unmarshal(body, &props) == nil {
			t := reflect.TypeFor[T]()
			for i := range t.NumField() {
				raw, ok := props[jsonName(t.Field(i))]
				if ok && json.Unmarshal(raw, reflect.New(t.Field(i).Type).Interface()) != nil {
					return subError{Object: "body", Field: jsonName(t.Field(i)), Message: "must be " + te.Type.Kind().String()}
				}
			}
		}
	}
	return subError{Object: "body", Message: "malformed JSON body"}
}

// bodyBytes returns r's body, which serveHTTP has made readable again.
func bodyBytes(r *http.Request) []byte {
	if r.GetBody == nil {
		return nil
	}
	rc, err := r.GetBody()
	if err != nil {
		return nil
	}
	b, _ := io.ReadAll(rc)
	return b
}

// nextID returns prefix followed by a process-wide sequence number, padded so
// that generated ids look like Enkash's.
func (s *Server) nextID(prefix string) string {
	return fmt.Sprintf("%s%013d", prefix, s.seq.Add(1))
}

// patchFields pairs each body property with the customer field of the same
// JSON name and type, read from the generated types: applyPatch copies
// these generically, so a property added to both in openapi.yaml is stored
// and echoed with no edit here. Lists of DTOs, whose response type differs,
// are converted below.
var patchFields = sync.OnceValue(func() [][2]int {
	bt, ct := reflect.TypeFor[api.UpdateCustomerRequest](), reflect.TypeFor[api.CustomerResponse]()
	byName := map[string]int{}
	for i := range ct.NumField() {
		byName[jsonName(ct.Field(i))] = i
	}
	var pairs [][2]int
	for i := range bt.NumField() {
		f := bt.Field(i)
		j, ok := byName[jsonName(f)]
		if !ok || f.Type.Kind() != reflect.Map || f.Type.Elem() != ct.Field(j).Type {
			continue
		}
		pairs = append(pairs, [2]int{i, j})
	}
	return pairs
})

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

// applyPatch applies body to c. c must be a private copy.
func applyPatch(c *api.CustomerResponse, b api.UpdateCustomerRequest, now time.Time, by string, newID func(string) string) {
	bv, cv := reflect.ValueOf(&b).Elem(), reflect.ValueOf(c).Elem()
	for _, p := range patchFields() {
		src, dst := bv.Field(p[0]), cv.Field(p[1]) // a nullable.Nullable[T] (map[bool]T) and a T
		if src.Len() == 0 {
			continue // absent: keep
		}
		if src.MapIndex(reflect.ValueOf(false)).IsValid() { // null: clear
			dst.Set(reflect.Zero(dst.Type()))
			continue
		}
		dst.Set(cloneValue(src.MapIndex(reflect.ValueOf(true))))
	}

	switch v := b.CustomerKeyContacts; {
	case !v.IsSpecified():
	case v.IsNull():
		c.CustomerKeyContacts = nil
	default:
		old := make(map[string]api.CustomerKeyContactResponse, len(c.CustomerKeyContacts))
		for _, k := range c.CustomerKeyContacts {
			old[k.KeyContactPersonId] = k
		}
		list := make([]api.CustomerKeyContactResponse, 0, len(v.MustGet()))
		for _, d := range v.MustGet() {
			k := api.CustomerKeyContactResponse{
				CustomerId: c.CustomerId,
				Deleted:    fmt.Sprint(d.Deleted),
				Mobile:     d.Mobile,
				Name:       d.Name,
				CreatedOn:  now,
				CreatedBy:  by,
				ModifiedOn: now,
				ModifiedBy: by,
			}
			if d.KeyContactPersonId != nil && *d.KeyContactPersonId != "" {
				k.KeyContactPersonId = *d.KeyContactPersonId
				if prev, ok := old[k.KeyContactPersonId]; ok {
					k.CreatedOn, k.CreatedBy = prev.CreatedOn, prev.CreatedBy
				}
			} else {
				k.KeyContactPersonId = newID("KCP")
			}
			if d.Email != nil {
				k.Email = string(*d.Email)
			}
			k.MailEnabled = deref(d.MailEnabled)
			k.SmsEnabled = deref(d.SmsEnabled)
			k.WhatsappEnabled = deref(d.WhatsappEnabled)
			list = append(list, k)
		}
		c.CustomerKeyContacts = list
	}

	switch v := b.CustomerReminders; {
	case !v.IsSpecified():
	case v.IsNull():
		c.CustomerReminders = nil
	default:
		list := make([]api.CustomerReminderConfigResponse, 0, len(v.MustGet()))
		for _, d := range v.MustGet() {
			rm := api.CustomerReminderConfigResponse{
				CustomerId:        c.CustomerId,
				DueDateDifference: deref(d.DueDateDifference),
				ReminderInterval:  deref(d.ReminderInterval),
				ReminderTime:      deref(d.ReminderTime),
				ReminderType:      deref(d.ReminderType),
				Stage:             deref(d.Stage),
			}
			if id := deref(d.CustomerReminderId); id != "" {
				rm.CustomerReminderId = id
			} else {
				rm.CustomerReminderId = newID("CR")
			}
			list = append(list, rm)
		}
		c.CustomerReminders = list
	}

	// Key contacts carry the customer's name.
	for i := range c.CustomerKeyContacts {
		c.CustomerKeyContacts[i].CustomerName = c.LegalName
	}
	c.ModifiedOn = now
	c.ModifiedBy = by
	c.ModifiedByName = by
}

// cloneValue returns a copy of v that shares no slice with it (a nil slice
// becomes an empty one, as the old per-field copy did).
func cloneValue(v reflect.Value) reflect.Value {
	if v.Kind() != reflect.Slice {
		return v
	}
	out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
	reflect.Copy(out, v)
	return out
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// copyCustomer returns a deep copy of c; nil slices stay nil, empty ones empty.
func copyCustomer(c api.CustomerResponse) api.CustomerResponse {
	c.BranchCodes = slices.Clone(c.BranchCodes)
	c.CustomerKeyContacts = slices.Clone(c.CustomerKeyContacts)
	c.CustomerReminders = slices.Clone(c.CustomerReminders)
	c.Warnings = slices.Clone(c.Warnings)
	return c
}

// Customer returns a deep copy of the stored customer with the given id.
func (s *Server) Customer(id string) (api.CustomerResponse, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.customers[id]
	if !ok {
		return api.CustomerResponse{}, false
	}
	return copyCustomer(c), true
}

// Customers returns deep copies of all stored customers, ordered by CustomerId.
func (s *Server) Customers() []api.CustomerResponse {
	s.mu.Lock()
	out := make([]api.CustomerResponse, 0, len(s.customers))
	for _, c := range s.customers {
		out = append(out, copyCustomer(c))
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].CustomerId < out[j].CustomerId })
	return out
}

// PutCustomer stores a deep copy of c, replacing any customer with the same
// CustomerId. It reports false, storing nothing, when c.CustomerId is empty.
func (s *Server) PutCustomer(c api.CustomerResponse) bool {
	if c.CustomerId == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.customers[c.CustomerId] = copyCustomer(c)
	return true
}
