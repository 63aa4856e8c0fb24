package fake

import (
	"net/http"
	"reflect"
	"sync"
	"time"

	"github.com/enkash-oss/enkash-go/api"
)

// ActivateCustomer implements api.ServerInterface.
func (h handlers) ActivateCustomer(w http.ResponseWriter, r *http.Request, customerID string, params api.ActivateCustomerParams) {
	if h.s.admitCaller(w, r) && h.s.admitValid(w, r, false, func() []api.Violation { return api.ValidateActivateCustomer(customerID, &params) }) {
		h.s.activateCustomer(w, r, customerID, params.ParentCompanyId)
	}
}

// DeleteCustomer implements api.ServerInterface.
func (h handlers) DeleteCustomer(w http.ResponseWriter, r *http.Request, customerID string, params api.DeleteCustomerParams) {
	if h.s.admitCaller(w, r) && h.s.admitValid(w, r, false, func() []api.Violation { return api.ValidateDeleteCustomer(customerID, &params) }) {
		h.s.deleteCustomer(w, r, customerID, params.ParentCompanyId)
	}
}

// activeField is the index of the stored customer's boolean "active"
// property (api.CustomerResponse, from the spec), or -1 when the spec has
// none: activation then changes nothing the fake stores.
var activeField = sync.OnceValue(func() int {
	t := reflect.TypeFor[api.CustomerResponse]()
	for i := range t.NumField() {
		if jsonName(t.Field(i)) == "active" && t.Field(i).Type.Kind() == reflect.Bool {
			return i
		}
	}
	return -1
})

// activateCustomer marks the customer active (if the customer schema has an
// active flag) and answers with the customer as the payload, which the spec
// leaves an untyped object.
func (s *Server) activateCustomer(w http.ResponseWriter, r *http.Request, id string, parent *string) {
	s.mu.Lock()
	c, ok := s.customerUnder(id, parent)
	if !ok {
		s.mu.Unlock()
		s.writeNotFound(w, r)
		return
	}
	c = copyCustomer(c)
	if i := activeField(); i >= 0 {
		reflect.ValueOf(&c).Elem().Field(i).SetBool(true)
	}
	by := s.caller(r)
	c.ModifiedOn, c.ModifiedBy, c.ModifiedByName = s.now().Truncate(time.Millisecond), by, by
	s.customers[id] = c
	s.mu.Unlock()
	s.writePayload(w, &c)
}

// deleteCustomer removes the customer and answers with a message, the
// string payload the spec declares.
func (s *Server) deleteCustomer(w http.ResponseWriter, r *http.Request, id string, parent *string) {
	s.mu.Lock()
	if _, ok := s.customerUnder(id, parent); !ok {
		s.mu.Unlock()
		s.writeNotFound(w, r)
		return
	}
	delete(s.customers, id)
	s.mu.Unlock()
	s.writePayload(w, "Customer "+id+" deleted")
}

// customerUnder returns the stored customer id, if it exists and, when parent
// is given, belongs to that parent company. s.mu must be held.
func (s *Server) customerUnder(id string, parent *string) (api.CustomerResponse, bool) {
	c, ok := s.customers[id]
	if !ok || (parent != nil && *parent != c.ParentCompanyId) {
		return api.CustomerResponse{}, false
	}
	return c, true
}

// writeNotFound answers 404 RECORD_NOT_FOUND for the path's customerId.
func (s *Server) writeNotFound(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, http.StatusNotFound, api.ErrorTypeRecordNotFound, "Customer not found",
		[]subError{{Object: "path", Field: api.ParamUpdateCustomerCustomerId, Message: "no such customer"}})
}

// caller is the user a request acts for: the token's user, else "api".
func (s *Server) caller(r *http.Request) string {
	if tok, ok := bearerToken(r); ok {
		if u, ok := s.tokenUser(tok); ok && u != "" {
			return u
		}
	}
	return "api"
}
