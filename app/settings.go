package app

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"leadcap/internal/credentials"
	"leadcap/lead"
	"leadcap/storage"
	"leadcap/workflow"
)

// SettingDefaultCountry is the store setting with the country (ISO 3166
// alpha-2) that new events start with.
const SettingDefaultCountry = "default_country"

// testTimeout bounds "Test connection".
const testTimeout = 15 * time.Second

// settingsScreen sets up the CRM connector and its non-secret settings
// (saved in the store), the secret (kept in memory only), the default
// country, the language and the theme (saved in the app's preferences).
type settingsScreen struct {
	ui     *UI
	office *office

	connector  *widget.Select
	url        *widget.Entry
	database   *widget.Entry
	user       *widget.Entry
	externalID *widget.Entry
	apiVersion *widget.Entry
	details    *widget.Entry
	secret     *widget.Entry
	keep       remember           // "Remember on this device": the secret in the OS keyring
	crmItems   []*widget.FormItem // the rows on show for the chosen connector
	crm        *fyne.Container
	test       *widget.Button
	testResult *widget.Label

	country  *widget.Entry
	language *widget.Select
	theme    *widget.Select
	restart  *widget.Label

	save    *widget.Button
	message *widget.Label
	content fyne.CanvasObject
}

// The options of the language and theme selects, in display order.
var (
	languages = []string{"", "en", "de"}
	themes    = []string{"", "light", "dark"}
)

func newSettingsScreen(u *UI, o *office) *settingsScreen {
	s := &settingsScreen{ui: u, office: o}

	s.connector = widget.NewSelect(mapLabels(workflow.Connectors, connectorName), func(string) { s.onConnectorChanged() })
	s.connector.PlaceHolder = lang.L("Choose a CRM")
	s.url = widget.NewEntry()
	s.database = widget.NewEntry()
	s.user = widget.NewEntry()
	s.externalID = widget.NewEntry()
	s.apiVersion = widget.NewEntry()
	s.apiVersion.SetPlaceHolder("v62.0")
	s.details = widget.NewEntry()
	s.secret = widget.NewPasswordEntry()
	s.secret.SetText(o.secretValue())
	s.secret.OnChanged = o.setSecret
	s.crm = container.NewStack()
	s.test = widget.NewButtonWithIcon(lang.L("Test connection"), theme.MediaPlayIcon(), s.onTestTapped)
	s.testResult = widget.NewLabel("")
	s.testResult.Wrapping = fyne.TextWrapWord
	s.keep = newRemember()
	s.onConnectorChanged()

	s.country = widget.NewEntry()
	s.country.SetPlaceHolder("DE")
	s.country.Validator = validateCountry
	s.language = widget.NewSelect([]string{lang.L("System language"), "English", "Deutsch"}, func(string) { s.onLanguageChanged() })
	s.theme = widget.NewSelect([]string{lang.L("System"), lang.L("Light"), lang.L("Dark")}, func(string) { s.onThemeChanged() })
	s.restart = widget.NewLabel("")
	s.restart.Wrapping = fyne.TextWrapWord
	s.restart.Importance = widget.LowImportance
	prefs := fyne.CurrentApp().Preferences()
	s.language.Selected = s.language.Options[max(0, slices.Index(languages, prefs.String(prefLanguage)))]
	s.theme.Selected = s.theme.Options[max(0, slices.Index(themes, prefs.String(prefTheme)))]

	s.save = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), s.onSaveTapped)
	s.save.Importance = widget.HighImportance
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapWord

	var testRow fyne.CanvasObject = container.NewBorder(nil, nil, s.test, nil, s.testResult)
	if fyne.CurrentDevice().IsMobile() {
		testRow = container.NewVBox(tall(s.test), s.testResult) // room for the result line
	}
	crm := widget.NewCard(lang.L("CRM"), lang.L("Where leads are sent"), container.NewVBox(s.crm, s.keep.check, s.keep.note, testRow))
	general := widget.NewCard(lang.L("This device"), "", container.NewVBox(formRows(
		&widget.FormItem{Text: lang.L("Default country"), Widget: s.country, HintText: lang.L("For new events and phone numbers without a country code, e.g. DE")},
		widget.NewFormItem(lang.L("Language"), s.language),
		widget.NewFormItem(lang.L("Theme"), s.theme),
	), s.restart))
	s.content = container.NewBorder(nil, actionBar(s.message, s.save), nil, nil,
		container.NewVScroll(container.NewVBox(crm, general, newEncryptionBlock(u).card, layout.NewSpacer())))
	return s
}

// validateCountry accepts an empty field or an ISO 3166 alpha-2 code.
func validateCountry(s string) error {
	if strings.TrimSpace(s) == "" || lead.ValidCountry(s) {
		return nil
	}
	return errors.New(lang.L("Use a two-letter country code such as DE, FR or US."))
}

// connectorName is how a connector is named on screen: its product's name,
// not its ID.
func connectorName(id string) string {
	switch id {
	case "tryton":
		return "Tryton"
	case "hubspot":
		return "HubSpot"
	case "salesforce":
		return "Salesforce"
	case "webhook":
		return lang.L("Webhook")
	}
	return id
}

// connectorID is the ID of the connector chosen, "" when none is.
func (s *settingsScreen) connectorID() string {
	if i := s.connector.SelectedIndex(); i >= 0 && i < len(workflow.Connectors) {
		return workflow.Connectors[i]
	}
	return ""
}

// onConnectorChanged shows the fields the chosen connector uses. What was
// said about the previous connector (a test's result, "Saved.") no longer
// applies and goes.
func (s *settingsScreen) onConnectorChanged() {
	s.testResult.SetText("")
	if s.message != nil {
		s.message.SetText("")
	}
	item := func(label string, w fyne.CanvasObject, hint string) *widget.FormItem {
		return &widget.FormItem{Text: label, Widget: w, HintText: hint}
	}
	items := []*widget.FormItem{item(lang.L("Connector"), s.connector, "")}
	secretHint := lang.L("Never saved in the database: kept in memory, or in this device's keyring with Remember on this device; or set LEADCAP_CRM_SECRET.")
	switch s.connectorID() {
	case "tryton":
		items = append(items,
			item(lang.L("Server"), s.url, lang.L("e.g. http://127.0.0.1:8000/")),
			item(lang.L("Database"), s.database, ""),
			item(lang.L("User"), s.user, ""),
			item(lang.L("Password"), s.secret, secretHint))
	case "hubspot":
		items = append(items,
			item(lang.L("API address"), s.url, lang.L("Leave empty for HubSpot's own")),
			item(lang.L("Lead ID property"), s.externalID, lang.L("Leave empty for the default")),
			item(lang.L("Details property"), s.details, lang.L("Leave empty for the default")),
			item(lang.L("Access token"), s.secret, secretHint))
	case "salesforce":
		items = append(items,
			item(lang.L("Instance"), s.url, lang.L("e.g. https://mycompany.my.salesforce.com")),
			item(lang.L("API version"), s.apiVersion, ""),
			item(lang.L("External ID field"), s.externalID, lang.L("Leave empty for the default")),
			item(lang.L("Details field"), s.details, lang.L("Leave empty for the default")),
			item(lang.L("Access token"), s.secret, secretHint))
	case "webhook":
		items = append(items,
			item(lang.L("Endpoint"), s.url, lang.L("e.g. https://crm.example.com/leadcap")),
			item(lang.L("Signing key"), s.secret, secretHint))
	}
	s.crmItems = items
	s.crm.Objects = []fyne.CanvasObject{formRows(items...)}
	s.crm.Refresh()
	if s.content != nil {
		s.content.Refresh() // the form changed height: lay out the page again
	}
	if s.connectorID() == "" {
		s.test.Disable()
	} else {
		s.test.Enable()
	}
}

// form reads the CRM settings from the widgets.
func (s *settingsScreen) form() workflow.CRMSettings {
	cs := workflow.CRMSettings{Connector: s.connectorID(), URL: strings.TrimSpace(s.url.Text)}
	switch cs.Connector {
	case "tryton":
		cs.Database, cs.User = strings.TrimSpace(s.database.Text), strings.TrimSpace(s.user.Text)
	case "hubspot":
		cs.ExternalID, cs.DetailsField = strings.TrimSpace(s.externalID.Text), strings.TrimSpace(s.details.Text)
	case "salesforce":
		cs.APIVersion = strings.TrimSpace(s.apiVersion.Text)
		cs.ExternalID, cs.DetailsField = strings.TrimSpace(s.externalID.Text), strings.TrimSpace(s.details.Text)
	}
	return cs
}

// settingsLoaded is what a background load of the settings hands back.
type settingsLoaded struct {
	crm     workflow.CRMSettings
	country string
	err     error
}

// load reads the settings from the store in the background.
func (s *settingsScreen) load() {
	st := s.ui.st
	s.ui.background(func() func() {
		var r settingsLoaded
		r.crm, r.err = workflow.LoadCRM(st)
		if r.err == nil {
			r.country, r.err = st.Setting(SettingDefaultCountry)
		}
		return func() { s.show(r) }
	})
}

func (s *settingsScreen) show(r settingsLoaded) {
	if r.err != nil {
		s.message.SetText(userMessage(r.err))
		return
	}
	cs := r.crm
	s.url.SetText(cs.URL)
	s.database.SetText(cs.Database)
	s.user.SetText(cs.User)
	s.externalID.SetText(cs.ExternalID)
	s.apiVersion.SetText(cs.APIVersion)
	s.details.SetText(cs.DetailsField)
	if cs.Connector != "" {
		s.connector.SetSelected(connectorName(cs.Connector))
	}
	s.country.SetText(r.country)
	s.loadRemembered(cs)
}

// onSaveTapped saves the CRM set-up and the default country in the store
// (the secret stays in memory) and restarts the background sync with them.
func (s *settingsScreen) onSaveTapped() {
	cs := s.form()
	country := strings.ToUpper(strings.TrimSpace(s.country.Text))
	if err := validateCountry(country); err != nil {
		s.showMessage(err.Error(), widget.DangerImportance)
		return
	}
	s.office.setSecret(s.secret.Text)
	s.save.Disable()
	st, keep := s.ui.st, s.keepSecret(cs)
	s.ui.background(func() func() {
		var err error
		if cs.Connector != "" {
			err = workflow.SaveCRM(st, cs)
		}
		if err == nil {
			err = keep()
		}
		if err == nil {
			err = st.SetSetting(SettingDefaultCountry, country)
		}
		return func() {
			s.save.Enable()
			if err != nil {
				s.showMessage(settingsErrorText(err), widget.DangerImportance)
				return
			}
			s.country.SetText(country)
			s.showMessage(lang.L("Saved."), widget.SuccessImportance)
			s.office.restartRelay()
			s.office.sync.refresh()
		}
	})
}

// onTestTapped checks the CRM on the form (saved or not) with one cheap
// call, off the UI goroutine, and says in one line how it went.
func (s *settingsScreen) onTestTapped() {
	cs, secret := s.form(), strings.TrimSpace(s.secret.Text)
	s.test.Disable()
	s.testResult.Importance = widget.MediumImportance
	s.testResult.SetText(lang.L("Testing…"))
	ctx := s.office.ctx
	s.ui.background(func() func() {
		c, _, err := workflow.NewConnector(cs, secret)
		if err == nil {
			tctx, cancel := context.WithTimeout(ctx, testTimeout)
			err = c.Probe(tctx)
			cancel()
		}
		return func() {
			s.test.Enable()
			if err != nil {
				s.testResult.Importance = widget.DangerImportance
				s.testResult.SetText(lang.L("Connection failed: {{.Reason}}", map[string]any{"Reason": settingsErrorText(err)}))
				return
			}
			s.testResult.Importance = widget.SuccessImportance
			s.testResult.SetText(lang.L("Connection works: {{.CRM}} answered and accepted the credentials.", map[string]any{"CRM": connectorName(cs.Connector)}))
		}
	})
}

// settingsErrorText says what to do about a CRM set-up error.
func settingsErrorText(err error) string {
	switch {
	case errors.Is(err, workflow.ErrNoSecret):
		return lang.L("Enter the CRM's password, access token or signing key first.")
	case errors.Is(err, workflow.ErrNoCRM):
		return lang.L("Choose a CRM first.")
	case errors.Is(err, storage.ErrSecretSetting):
		return lang.L("Secrets are never saved in the database.")
	case errors.Is(err, credentials.ErrUnavailable):
		return lang.L("This device has no keyring to remember the secret in: enter it after each start, or set LEADCAP_CRM_SECRET.")
	}
	return syncErrorText(err)
}

func (s *settingsScreen) showMessage(text string, imp widget.Importance) {
	s.message.Importance = imp
	s.message.SetText(text)
}

// onLanguageChanged stores the language for the next start: fyne picks
// the language once, when the app starts.
func (s *settingsScreen) onLanguageChanged() {
	l := languages[max(0, s.language.SelectedIndex())]
	prefs := fyne.CurrentApp().Preferences()
	if prefs.String(prefLanguage) == l {
		return
	}
	prefs.SetString(prefLanguage, l)
	s.restart.SetText(lang.L("The language takes effect after a restart of leadcap."))
}

// onThemeChanged applies and stores the theme.
func (s *settingsScreen) onThemeChanged() {
	t := themes[max(0, s.theme.SelectedIndex())]
	a := fyne.CurrentApp()
	a.Preferences().SetString(prefTheme, t)
	applyTheme(a, t)
}

// applyTheme sets leadcap's theme, in a fixed variant for "light" and
// "dark" and following the system otherwise.
func applyTheme(a fyne.App, variant string) {
	switch variant {
	case "light":
		v := theme.VariantLight
		a.Settings().SetTheme(newTheme(&v))
	case "dark":
		v := theme.VariantDark
		a.Settings().SetTheme(newTheme(&v))
	default:
		a.Settings().SetTheme(newTheme(nil))
	}
}

// remember is the "Remember on this device" row: the CRM secret kept in
// the operating system's keyring (never in the database), filed under the
// connector and address it is for. LEADCAP_CRM_SECRET still wins.
type remember struct {
	check *widget.Check
	note  *widget.Label // why the box is off, when it is
}

func newRemember() remember {
	r := remember{check: widget.NewCheck(lang.L("Remember on this device"), nil), note: widget.NewLabel("")}
	r.note.Wrapping = fyne.TextWrapWord
	r.note.Importance = widget.LowImportance
	r.note.Hide()
	return r
}

// loadRemembered asks the keyring, in the background, for the secret of
// the saved set-up cs: found, it fills the secret field and ticks the box;
// with no keyring the box is off and the note says what to do instead.
func (s *settingsScreen) loadRemembered(cs workflow.CRMSettings) {
	s.ui.background(func() func() {
		secret, src, err := workflow.ResolveSecret(credentials.System{}, cs)
		return func() {
			s.keep.check.Enable()
			s.keep.note.Hide()
			switch {
			case err != nil:
				s.keep.check.SetChecked(false)
				s.keep.check.Disable()
				s.keep.note.SetText(settingsErrorText(err))
				s.keep.note.Show()
			case src == workflow.SecretFromKeyring:
				s.keep.check.SetChecked(true)
				if s.secret.Text == "" {
					s.secret.SetText(secret) // OnChanged keeps it in memory for the sync
				}
			}
		}
	})
}

// keepSecret returns the keyring work for Save, read from the widgets now:
// store the secret for cs when the box is ticked, else forget any secret
// remembered for cs. It runs in the background after the set-up is saved.
func (s *settingsScreen) keepSecret(cs workflow.CRMSettings) func() error {
	on, secret := s.keep.check.Checked, strings.TrimSpace(s.secret.Text)
	if cs.Connector == "" || s.keep.check.Disabled() {
		return func() error { return nil }
	}
	return func() error {
		if on && secret != "" {
			return workflow.RememberSecret(credentials.System{}, cs, secret)
		}
		// Nothing remembered, or no keyring to remember in: nothing to forget.
		err := workflow.ForgetSecret(credentials.System{}, cs)
		if errors.Is(err, credentials.ErrNotFound) || errors.Is(err, credentials.ErrUnavailable) {
			return nil
		}
		return err
	}
}
