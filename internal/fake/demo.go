package fake

import (
	"encoding/json"
	"time"

	"github.com/enkash-oss/enkash-go/api"
)

// Ids of the demo customers seeded by WithDemoCustomers. All three belong to
// DemoParentCompanyID. The data is fictitious.
const (
	// DemoCustomerID is the demo customer used by examples and the CLI's sandbox.
	DemoCustomerID = "KCDEMO0000000001"
	// DemoCustomerID2 is a second demo customer.
	DemoCustomerID2 = "KCDEMO0000000002"
	// DemoCustomerID3 is a third demo customer, with no key contacts or reminders.
	DemoCustomerID3 = "KCDEMO0000000003"
	// DemoParentCompanyID is the parentCompanyId of every demo customer.
	DemoParentCompanyID = "CEKDEMO001"
)

// DemoCustomers returns fresh copies of the demo customers: fictitious Indian
// businesses with key contacts and payment reminders.
func DemoCustomers() []api.CustomerResponse {
	created := time.Date(2024, 4, 1, 10, 30, 0, 0, IST)
	modified := time.Date(2024, 6, 15, 16, 45, 0, 0, IST)
	const by, byName = "ops@demo.enkash.test", "Demo Ops"
	return []api.CustomerResponse{
		{
			Id:              1001,
			CustomerId:      DemoCustomerID,
			CompanyId:       "CEKDEMO101",
			ParentCompanyId: DemoParentCompanyID,
			ParentLegalName: "Demo Holdings Pvt Ltd",
			LegalName:       "Shree Ganesh Textiles Pvt Ltd",
			Active:          true,
			AccountNumber:   "50200012345678",
			BankName:        "HDFC Bank",
			Ifsc:            "HDFC0000123",
			PanOrGstin:      "24AABCS1234K1Z5",
			Address:         "Plot 14, Ring Road Textile Market, Surat",
			State:           "Gujarat",
			PinCode:         "395002",
			ContactEmail:    "accounts@shreeganesh.example",
			ContactNumber:   "+91 9812345670",
			AssignedAgent:   "Priya Nair",
			UniqueRefNo:     "SGT-2024-0001",
			BranchCodes:     []string{"SUR01", "AMD02"},
			NetAmount:       json.Number("125000.50"),
			DsoMedian:       42,
			CreatedBy:       by, CreatedByName: byName, CreatedOn: created,
			ModifiedBy: by, ModifiedByName: byName, ModifiedOn: modified,
			CustomerKeyContacts: []api.CustomerKeyContactResponse{
				{
					KeyContactPersonId: "KCP0000000000001", CustomerId: DemoCustomerID,
					CustomerName: "Shree Ganesh Textiles Pvt Ltd", Name: "Rakesh Patel",
					Email: "rakesh.patel@shreeganesh.example", Mobile: "+91 9876501234", Deleted: "false",
					MailEnabled: true, SmsEnabled: true, WhatsappEnabled: true,
					CreatedBy: by, CreatedOn: created, ModifiedBy: by, ModifiedOn: modified,
				},
				{
					KeyContactPersonId: "KCP0000000000002", CustomerId: DemoCustomerID,
					CustomerName: "Shree Ganesh Textiles Pvt Ltd", Name: "Meena Shah",
					Email: "meena.shah@shreeganesh.example", Mobile: "9876505678", Deleted: "false",
					MailEnabled: true,
					CreatedBy:   by, CreatedOn: created, ModifiedBy: by, ModifiedOn: modified,
				},
			},
			CustomerReminders: []api.CustomerReminderConfigResponse{
				{
					CustomerReminderId: "CR0000000000001", CustomerId: DemoCustomerID,
					DueDateDifference: -3, ReminderInterval: 0, ReminderTime: "09:30",
					ReminderType: api.ReminderTypeOnce, Stage: "BEFORE_DUE",
				},
				{
					CustomerReminderId: "CR0000000000002", CustomerId: DemoCustomerID,
					DueDateDifference: 1, ReminderInterval: 7, ReminderTime: "11:00",
					ReminderType: api.ReminderTypeRecurring, Stage: "AFTER_DUE",
				},
			},
		},
		{
			Id:              1002,
			CustomerId:      DemoCustomerID2,
			CompanyId:       "CEKDEMO102",
			ParentCompanyId: DemoParentCompanyID,
			ParentLegalName: "Demo Holdings Pvt Ltd",
			LegalName:       "Kaveri Agro Foods LLP",
			Active:          true,
			AccountNumber:   "912020034567890",
			BankName:        "Axis Bank",
			Ifsc:            "UTIB0000456",
			PanOrGstin:      "29AAKFK5678M1Z2",
			Address:         "No. 7, KIADB Industrial Area, Hebbal, Mysuru",
			State:           "Karnataka",
			PinCode:         "570016",
			ContactEmail:    "finance@kaveriagro.example",
			ContactNumber:   "+91 9845012345",
			AssignedAgent:   "Arjun Menon",
			UniqueRefNo:     "KAF-2024-0002",
			BranchCodes:     []string{"MYS01"},
			NetAmount:       json.Number("87450.00"),
			DsoMedian:       30,
			CreatedBy:       by, CreatedByName: byName, CreatedOn: created,
			ModifiedBy: by, ModifiedByName: byName, ModifiedOn: modified,
			CustomerKeyContacts: []api.CustomerKeyContactResponse{
				{
					KeyContactPersonId: "KCP0000000000003", CustomerId: DemoCustomerID2,
					CustomerName: "Kaveri Agro Foods LLP", Name: "Lakshmi Gowda",
					Email: "lakshmi@kaveriagro.example", Mobile: "+91 9845067890", Deleted: "false",
					MailEnabled: true, WhatsappEnabled: true,
					CreatedBy: by, CreatedOn: created, ModifiedBy: by, ModifiedOn: modified,
				},
			},
			CustomerReminders: []api.CustomerReminderConfigResponse{
				{
					CustomerReminderId: "CR0000000000003", CustomerId: DemoCustomerID2,
					DueDateDifference: 0, ReminderInterval: 3, ReminderTime: "10:00",
					ReminderType: api.ReminderTypeRecurring, Stage: "ON_DUE",
				},
			},
		},
		{
			Id:              1003,
			CustomerId:      DemoCustomerID3,
			CompanyId:       "CEKDEMO103",
			ParentCompanyId: DemoParentCompanyID,
			ParentLegalName: "Demo Holdings Pvt Ltd",
			LegalName:       "Brahmaputra Tea Traders",
			Active:          true,
			PanOrGstin:      "AAJFB9012C",
			Address:         "Fancy Bazaar, Guwahati",
			State:           "Assam",
			PinCode:         "781001",
			ContactNumber:   "03612540000",
			NetAmount:       json.Number("0"),
			CreatedBy:       by, CreatedByName: byName, CreatedOn: created,
			ModifiedBy: by, ModifiedByName: byName, ModifiedOn: modified,
		},
	}
}
