package wrappertest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/oapi-codegen/nullable"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enkash-oss/enkash-go/api"
	"github.com/enkash-oss/enkash-go/wrapper/wrappertest"
)

// fieldCase is one of the body fields other than customerId: the JSON of a
// value, and what setting and clearing it does to the stored customer.
type fieldCase struct {
	name  string
	value string
	set   func(c *api.CustomerResponse, now time.Time)
	clear func(c *api.CustomerResponse)
}

func stringCase(name, value string, f func(*api.CustomerResponse) *string) fieldCase {
	return fieldCase{
		name:  name,
		value: `"` + value + `"`,
		set:   func(c *api.CustomerResponse, _ time.Time) { *f(c) = value },
		clear: func(c *api.CustomerResponse) { *f(c) = "" },
	}
}

func setLegalName(c *api.CustomerResponse, name string) {
	c.LegalName = name
	for i := range c.CustomerKeyContacts {
		c.CustomerKeyContacts[i].CustomerName = name
	}
}

var fieldCases = []fieldCase{
	stringCase("accountNumber", "50100099887766", func(c *api.CustomerResponse) *string { return &c.AccountNumber }),
	stringCase("address", "12 MG Road, Bengaluru", func(c *api.CustomerResponse) *string { return &c.Address }),
	stringCase("assignedAgent", "Vikram Rao", func(c *api.CustomerResponse) *string { return &c.AssignedAgent }),
	{
		name:  "branchCodes",
		value: `["BLR01","CHN07"]`,
		set:   func(c *api.CustomerResponse, _ time.Time) { c.BranchCodes = []string{"BLR01", "CHN07"} },
		clear: func(c *api.CustomerResponse) { c.BranchCodes = nil },
	},
	stringCase("contactNumber", "+91 9000012345", func(c *api.CustomerResponse) *string { return &c.ContactNumber }),
	{
		name: "customerKeyContacts",
		value: `[{"deleted":true,"legalName":"Shree Ganesh Textiles Pvt Ltd","mobile":"+91 9876543210","name":"Asha Rao",` +
			`"email":"asha@example.com","mail_enabled":true,"sms_enabled":false,"whatsapp_enabled":true,"via":"EMAIL"},` +
			`{"deleted":false,"legalName":"Shree Ganesh Textiles Pvt Ltd","mobile":"9876505678","name":"Meena Shah","keyContactPersonId":"KCP0000000000002"}]`,
		set: func(c *api.CustomerResponse, now time.Time) {
			prev := c.CustomerKeyContacts[1]
			c.CustomerKeyContacts = []api.CustomerKeyContactResponse{
				{
					KeyContactPersonId: "KCP0000001000001", CustomerId: c.CustomerId, CustomerName: c.LegalName,
					Name: "Asha Rao", Mobile: "+91 9876543210", Email: "asha@example.com", Deleted: "true",
					MailEnabled: true, WhatsappEnabled: true,
					CreatedOn: now, CreatedBy: "api", ModifiedOn: now, ModifiedBy: "api",
				},
				{
					KeyContactPersonId: "KCP0000000000002", CustomerId: c.CustomerId, CustomerName: c.LegalName,
					Name: "Meena Shah", Mobile: "9876505678", Deleted: "false",
					CreatedOn: prev.CreatedOn, CreatedBy: prev.CreatedBy, ModifiedOn: now, ModifiedBy: "api",
				},
			}
		},
		clear: func(c *api.CustomerResponse) { c.CustomerKeyContacts = nil },
	},
	{
		name:  "customerReminders",
		value: `[{"dueDateDifference":-2,"reminderInterval":5,"reminderTime":"08:15","reminderType":"RECURRING","stage":"BEFORE_DUE"},{"customerReminderId":"CR77","reminderType":"ONCE"}]`,
		set: func(c *api.CustomerResponse, _ time.Time) {
			c.CustomerReminders = []api.CustomerReminderConfigResponse{
				{
					CustomerReminderId: "CR0000001000001", CustomerId: c.CustomerId, DueDateDifference: -2,
					ReminderInterval: 5, ReminderTime: "08:15", ReminderType: api.ReminderTypeRecurring, Stage: "BEFORE_DUE",
				},
				{CustomerReminderId: "CR77", CustomerId: c.CustomerId, ReminderType: api.ReminderTypeOnce},
			}
		},
		clear: func(c *api.CustomerResponse) { c.CustomerReminders = nil },
	},
	stringCase("ifsc", "SBIN0001234", func(c *api.CustomerResponse) *string { return &c.Ifsc }),
	{
		name:  "legalName",
		value: `"Ganesh Silk Mills Pvt Ltd"`,
		set:   func(c *api.CustomerResponse, _ time.Time) { setLegalName(c, "Ganesh Silk Mills Pvt Ltd") },
		clear: func(c *api.CustomerResponse) { setLegalName(c, "") },
	},
	stringCase("panOrGstin", "27AAACR5055K1Z7", func(c *api.CustomerResponse) *string { return &c.PanOrGstin }),
	stringCase("pinCode", "560001", func(c *api.CustomerResponse) *string { return &c.PinCode }),
	stringCase("state", "Karnataka", func(c *api.CustomerResponse) *string { return &c.State }),
	stringCase("uniqueRefNo", "REF-42", func(c *api.CustomerResponse) *string { return &c.UniqueRefNo }),
}

func demo(t *testing.T, id string) api.CustomerResponse {
	t.Helper()
	for _, c := range wrappertest.DemoCustomers() {
		if c.CustomerId == id {
			return c
		}
	}
	t.Fatalf("no demo customer %s", id)
	return api.CustomerResponse{}
}

// TestUpdateCustomerFieldStates checks absent / null / value for each body field
// against the store, and that the payload is the stored customer.
func TestUpdateCustomerFieldStates(t *testing.T) {
	require.Len(t, fieldCases, reflect.TypeFor[api.UpdateCustomerRequest]().NumField()-1,
		"a case per body property, but customerId (TestUpdateCustomerBodyCustomerID)")
	for _, fc := range fieldCases {
		for _, state := range []string{"absent", "null", "value"} {
			t.Run(fc.name+"/"+state, func(t *testing.T) {
				clock := newFakeClock()
				srv, _ := newServer(t, wrappertest.WithDemoCustomers(), wrappertest.WithClock(clock.Now))
				clock.Advance(time.Hour)
				now := clock.Now()

				want := demo(t, wrappertest.DemoCustomerID)
				body := `{}`
				switch state {
				case "null":
					body = `{"` + fc.name + `":null}`
					fc.clear(&want)
				case "value":
					body = `{"` + fc.name + `":` + fc.value + `}`
					fc.set(&want, now)
				}
				want.ModifiedOn, want.ModifiedBy, want.ModifiedByName = now, "api", "api"

				resp := rawClient{t, srv}.patch(wrappertest.DemoCustomerID, srv.Token, body)
				require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)

				got, ok := srv.Customer(wrappertest.DemoCustomerID)
				require.True(t, ok)
				assert.Equal(t, want, got)

				var raw struct {
					Payload         json.RawMessage `json:"payload"`
					ResponseCode    *int32          `json:"response_code"`
					ResponseMessage string          `json:"response_message"`
				}
				require.NoError(t, json.Unmarshal(resp.body, &raw))
				stored, err := json.Marshal(got)
				require.NoError(t, err)
				assert.JSONEq(t, string(stored), string(raw.Payload), "payload is the stored customer")
				require.NotNil(t, raw.ResponseCode)
				assert.Equal(t, int32(0), *raw.ResponseCode)
				assert.Equal(t, "SUCCESS", raw.ResponseMessage)
			})
		}
	}
}

// TestUpdateCustomerGeneratedClient drives the same semantics through the
// generated client and its nullable fields.
func TestUpdateCustomerGeneratedClient(t *testing.T) {
	srv, c := newServer(t, wrappertest.WithDemoCustomers())
	var body api.UpdateCustomerRequest
	body.LegalName.Set("Kaveri Agro Foods Pvt Ltd")
	body.Address.SetNull()
	body.BranchCodes = nullable.NewNullableWithValue([]string{})
	body.CustomerId.Set(wrappertest.DemoCustomerID2)

	resp, err := c.UpdateCustomerWithResponse(context.Background(), wrappertest.DemoCustomerID2,
		&api.UpdateCustomerParams{ParentCompanyId: ptr(wrappertest.DemoParentCompanyID)}, body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), "%s", resp.Body)
	require.NotNil(t, resp.JSON200)
	require.NotNil(t, resp.JSON200.Payload)
	p := resp.JSON200.Payload
	assert.Equal(t, "Kaveri Agro Foods Pvt Ltd", p.LegalName)
	assert.Empty(t, p.Address)
	assert.Empty(t, p.BranchCodes)
	assert.Equal(t, "UTIB0000456", p.Ifsc, "absent field unchanged")

	got, ok := srv.Customer(wrappertest.DemoCustomerID2)
	require.True(t, ok)
	assert.NotNil(t, got.BranchCodes, "an empty list is kept as a set, empty list")
	assert.Empty(t, got.BranchCodes)
	assert.Empty(t, got.Address)
}

func TestUpdateCustomerModifiedOnMoves(t *testing.T) {
	clock := newFakeClock()
	srv, c := newServer(t, wrappertest.WithDemoCustomers(), wrappertest.WithClock(clock.Now))
	before, _ := srv.Customer(wrappertest.DemoCustomerID)

	for i := 1; i <= 3; i++ {
		clock.Advance(90 * time.Second)
		var body api.UpdateCustomerRequest // an empty PATCH still counts as an update
		resp, err := c.UpdateCustomerWithResponse(context.Background(), wrappertest.DemoCustomerID, nil, body)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode())
		assert.True(t, resp.JSON200.Payload.ModifiedOn.Equal(clock.Now()))
		got, _ := srv.Customer(wrappertest.DemoCustomerID)
		assert.Equal(t, clock.Now(), got.ModifiedOn)
		assert.Equal(t, before.CreatedOn, got.CreatedOn, "createdOn never moves")
	}
}

func TestUpdateCustomerModifiedByIssuedTokenUser(t *testing.T) {
	srv, _ := newServer(t, wrappertest.WithDemoCustomers(), wrappertest.WithCredentials("cid", "csecret", "asha@example.com", "pw"))
	form := goodTokenForm()
	form.Set("username", "asha@example.com")
	form.Set("password", "pw")
	form.Set("clientId", "cid")
	resp, b := tokenRequest(t, srv, "cid", "csecret", form)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", b)
	var tok api.TokenResponseSnake
	require.NoError(t, json.Unmarshal(b, &tok))

	r := rawClient{t, srv}.patch(wrappertest.DemoCustomerID, tok.AccessToken, `{"state":"Maharashtra"}`)
	require.Equal(t, http.StatusOK, r.status)
	got, _ := srv.Customer(wrappertest.DemoCustomerID)
	assert.Equal(t, "asha@example.com", got.ModifiedBy)
}

func TestUpdateCustomerKeyContactsAndRemindersGetIDs(t *testing.T) {
	srv, _ := newServer(t, wrappertest.WithDemoCustomers())
	rc := rawClient{t, srv}
	body := `{"customerKeyContacts":[{"deleted":false,"legalName":"L","mobile":"","name":"A"},{"deleted":false,"legalName":"L","mobile":"0091-9876543210","name":"B"}],` +
		`"customerReminders":[{},{}]}`
	r := rc.patch(wrappertest.DemoCustomerID3, srv.Token, body)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	got, _ := srv.Customer(wrappertest.DemoCustomerID3)
	require.Len(t, got.CustomerKeyContacts, 2)
	require.Len(t, got.CustomerReminders, 2)
	idRe := regexp.MustCompile(`^KCP\d{13}$`)
	ids := map[string]bool{}
	for _, k := range got.CustomerKeyContacts {
		assert.Regexp(t, idRe, k.KeyContactPersonId)
		assert.Equal(t, "false", k.Deleted)
		assert.Equal(t, wrappertest.DemoCustomerID3, k.CustomerId)
		ids[k.KeyContactPersonId] = true
	}
	for _, rm := range got.CustomerReminders {
		assert.Regexp(t, `^CR\d{13}$`, rm.CustomerReminderId)
		assert.Equal(t, wrappertest.DemoCustomerID3, rm.CustomerId)
		ids[rm.CustomerReminderId] = true
	}
	assert.Len(t, ids, 4, "generated ids are unique")

	// An empty list empties the stored list.
	r = rc.patch(wrappertest.DemoCustomerID3, srv.Token, `{"customerKeyContacts":[],"customerReminders":[]}`)
	require.Equal(t, http.StatusOK, r.status)
	got, _ = srv.Customer(wrappertest.DemoCustomerID3)
	assert.Empty(t, got.CustomerKeyContacts)
	assert.Empty(t, got.CustomerReminders)
}

func TestUpdateCustomerBodyCustomerID(t *testing.T) {
	cases := []struct {
		name   string
		body   string
		status int
	}{
		{"absent", `{"state":"Kerala"}`, http.StatusOK},
		{"same as path", `{"customerId":"KCDEMO0000000001","state":"Kerala"}`, http.StatusOK},
		{"different", `{"customerId":"KCDEMO0000000002","state":"Kerala"}`, http.StatusUnprocessableEntity},
		{"null", `{"customerId":null,"state":"Kerala"}`, http.StatusUnprocessableEntity},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := newServer(t, wrappertest.WithDemoCustomers())
			before, _ := srv.Customer(wrappertest.DemoCustomerID)
			r := rawClient{t, srv}.patch(wrappertest.DemoCustomerID, srv.Token, tc.body)
			require.Equal(t, tc.status, r.status, "%s", r.body)
			got, _ := srv.Customer(wrappertest.DemoCustomerID)
			assert.Equal(t, wrappertest.DemoCustomerID, got.CustomerId, "customer ids are immutable")
			if tc.status == http.StatusOK {
				assert.Equal(t, "Kerala", got.State)
				return
			}
			assert.Equal(t, before, got, "a rejected update changes nothing")
			er := r.env.ErrorResponse
			require.NotNil(t, er)
			assert.Equal(t, api.ErrorTypeUnprocessableRequest, *er.ErrorType)
			require.NotNil(t, er.ApiSubErrors)
			require.Len(t, *er.ApiSubErrors, 1)
			assert.Equal(t, "customerId", *(*er.ApiSubErrors)[0].Field)
			_, ok := srv.Customer(wrappertest.DemoCustomerID2)
			assert.True(t, ok, "the other customer still exists")
		})
	}
}

func TestUpdateCustomerNotFound(t *testing.T) {
	cases := []struct {
		name, path string
		status     int
	}{
		{"unknown customer", "/api/v0/customer/KCNOPE0000000000", http.StatusNotFound},
		{"other parent company", "/api/v0/customer/KCDEMO0000000001?parentCompanyId=CEKOTHER01", http.StatusNotFound},
		{"matching parent company", "/api/v0/customer/KCDEMO0000000001?parentCompanyId=CEKDEMO001", http.StatusOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := newServer(t, wrappertest.WithDemoCustomers())
			r := rawClient{t, srv}.do(http.MethodPatch, tc.path, srv.Token, "application/json", `{"pinCode":"110001"}`)
			require.Equal(t, tc.status, r.status, "%s", r.body)
			got, _ := srv.Customer(wrappertest.DemoCustomerID)
			if tc.status == http.StatusOK {
				assert.Equal(t, "110001", got.PinCode)
				return
			}
			assert.Equal(t, "395002", got.PinCode)
			require.NotNil(t, r.env.ErrorResponse)
			assert.Equal(t, api.ErrorTypeRecordNotFound, *r.env.ErrorResponse.ErrorType)
			assert.Nil(t, r.env.Payload)
		})
	}
}

func TestSeedsAndAccessorsAreCopies(t *testing.T) {
	seed := demo(t, wrappertest.DemoCustomerID)
	srv, _ := newServer(t, wrappertest.WithCustomers(seed))
	seed.BranchCodes[0] = "MUTATED"
	seed.CustomerKeyContacts[0].Name = "MUTATED"

	got, ok := srv.Customer(wrappertest.DemoCustomerID)
	require.True(t, ok)
	assert.Equal(t, "SUR01", got.BranchCodes[0])
	got.BranchCodes[0] = "MUTATED"
	got.CustomerReminders[0].Stage = "MUTATED"
	again, _ := srv.Customer(wrappertest.DemoCustomerID)
	assert.Equal(t, "SUR01", again.BranchCodes[0])
	assert.Equal(t, "BEFORE_DUE", again.CustomerReminders[0].Stage)
	assert.Equal(t, "Rakesh Patel", again.CustomerKeyContacts[0].Name)

	_, ok = srv.Customer("KCNOPE0000000000")
	assert.False(t, ok)
	assert.False(t, srv.PutCustomer(api.CustomerResponse{}))
	assert.True(t, srv.PutCustomer(api.CustomerResponse{CustomerId: "KCNEW00000000001", LegalName: "New"}))
	all := srv.Customers()
	require.Len(t, all, 2)
	assert.Equal(t, wrappertest.DemoCustomerID, all[0].CustomerId)
	assert.Equal(t, "KCNEW00000000001", all[1].CustomerId)

	assert.Panics(t, func() { wrappertest.NewServer(wrappertest.WithCustomers(api.CustomerResponse{})) })
}

func TestDemoCustomers(t *testing.T) {
	demos := wrappertest.DemoCustomers()
	require.GreaterOrEqual(t, len(demos), 3)
	ids := map[string]bool{}
	idRe := regexp.MustCompile(`^KC[A-Z0-9]{14}$`)
	for _, c := range demos {
		assert.Regexp(t, idRe, c.CustomerId)
		assert.Regexp(t, `^CEK[A-Z0-9]{7}$`, c.ParentCompanyId)
		ids[c.CustomerId] = true
	}
	assert.True(t, ids[wrappertest.DemoCustomerID])
	assert.NotEmpty(t, demos[0].CustomerKeyContacts)
	assert.NotEmpty(t, demos[0].CustomerReminders)
	// Every demo customer goes out spec-valid (checked by NewTestServer's cleanup).
	srv, _ := newServer(t, wrappertest.WithDemoCustomers())
	for id := range ids {
		r := rawClient{t, srv}.patch(id, srv.Token, `{}`)
		assert.Equal(t, http.StatusOK, r.status, "%s", r.body)
	}
}

// TestWithAutoCreate_FirstUpdateCreatesTheCustomer: with WithAutoCreate an
// update of an unknown customerId that passes the spec's validation creates
// a blank customer and applies the update; an id the spec's pattern refuses
// is still a 400, and a refused update creates nothing.
func TestWithAutoCreate_FirstUpdateCreatesTheCustomer(t *testing.T) {
	const id = "KCUSER0000000042"
	tests := []struct {
		name       string
		auto       bool
		id         string
		parent     *string
		bodyID     string // a body customerId ("" sends none)
		wantStatus int
		wantStored bool
	}{
		{"auto-create: a pattern-valid new id", true, id, nil, "", http.StatusOK, true},
		{"auto-create: with a parentCompanyId", true, id, ptr("CEKUSER001"), "", http.StatusOK, true},
		{"without auto-create: not found", false, id, nil, "", http.StatusNotFound, false},
		{"auto-create: an id the spec's pattern refuses", true, "KCuser0000000042", nil, "", http.StatusBadRequest, false},
		{"auto-create: a refused update creates nothing", true, id, nil, "KCOTHER000000001", http.StatusUnprocessableEntity, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := []wrappertest.Option{wrappertest.WithDemoCustomers()}
			if tt.auto {
				opts = append(opts, wrappertest.WithAutoCreate())
			}
			srv, c := newServer(t, opts...)
			var body api.UpdateCustomerRequest
			body.LegalName.Set("User Co")
			if tt.bodyID != "" {
				body.CustomerId.Set(tt.bodyID)
			}
			resp, err := c.UpdateCustomerWithResponse(context.Background(), tt.id, &api.UpdateCustomerParams{ParentCompanyId: tt.parent}, body)
			require.NoError(t, err)
			require.Equal(t, tt.wantStatus, resp.StatusCode())
			got, ok := srv.Customer(tt.id)
			require.Equal(t, tt.wantStored, ok)
			if !ok {
				return
			}
			assert.Equal(t, tt.id, got.CustomerId)
			assert.Equal(t, "User Co", got.LegalName)
			assert.Equal(t, "User Co", resp.JSON200.Payload.LegalName)
			if tt.parent != nil {
				assert.Equal(t, *tt.parent, got.ParentCompanyId)
			}
			// A second update finds it (and, under its parent, only there).
			var again api.UpdateCustomerRequest
			again.State.Set("Goa")
			resp, err = c.UpdateCustomerWithResponse(context.Background(), tt.id, &api.UpdateCustomerParams{ParentCompanyId: tt.parent}, again)
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, resp.StatusCode())
			assert.Equal(t, "User Co", resp.JSON200.Payload.LegalName)
			assert.Equal(t, "Goa", resp.JSON200.Payload.State)
		})
	}
}
