package workflow

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"leadcap/internal/credentials"
	"leadcap/storage"
	"leadcap/syncer"
	"leadcap/syncer/hubspot"
	"leadcap/syncer/salesforce"
	"leadcap/syncer/tryton"
	"leadcap/syncer/webhook"
)

// SecretEnv names the environment variable that holds the CRM secret (a
// password, an access token or the webhook key). It wins over the secret in
// the keyring. The secret is never stored in the database and never printed.
const SecretEnv = "LEADCAP_CRM_SECRET"

// Settings keys of the CRM set-up (non-secret).
const (
	KeyCRMConnector    = "crm.connector"
	KeyCRMURL          = "crm.url"
	KeyCRMDatabase     = "crm.database"
	KeyCRMUser         = "crm.user"
	KeyCRMExternalID   = "crm.external_id_field" // Salesforce: Lead external ID field; HubSpot: lead ID property
	KeyCRMAPIVersion   = "crm.api_version"       // Salesforce, e.g. v62.0
	KeyCRMDetailsField = "crm.details_field"     // HubSpot property / Salesforce field for the details
	KeyCRMRate         = "crm.rate"              // pushes per second; empty: the connector's default
)

var crmKeys = []string{KeyCRMConnector, KeyCRMURL, KeyCRMDatabase, KeyCRMUser, KeyCRMExternalID, KeyCRMAPIVersion, KeyCRMDetailsField, KeyCRMRate}

// Connectors lists the CRM connectors leadcap has.
var Connectors = []string{"tryton", "hubspot", "salesforce", "webhook"}

// ErrNoCRM means no CRM connector is set up yet.
var ErrNoCRM = errors.New("no CRM is set up: run leadcap crm set tryton|hubspot|salesforce|webhook (or open Settings > CRM in the app) first")

// ErrNoSecret means neither LEADCAP_CRM_SECRET nor the keyring holds the
// CRM secret.
var ErrNoSecret = errors.New("no CRM secret: LEADCAP_CRM_SECRET is empty and the keyring holds none for this set-up; store the CRM password, access token or webhook key with leadcap crm secret set (or Settings > Remember on this device), or put it in LEADCAP_CRM_SECRET, then try again")

// ErrUnknownConnector means a connector name other than tryton, hubspot,
// salesforce or webhook.
var ErrUnknownConnector = errors.New("unknown CRM connector: use tryton, hubspot, salesforce or webhook")

// CRMSettings is the non-secret CRM set-up kept in the store's settings.
type CRMSettings struct {
	Connector string // tryton, hubspot, salesforce, webhook
	URL       string // Tryton server, Salesforce instance, webhook endpoint; HubSpot: optional API root
	Database  string // Tryton
	User      string // Tryton
	// ExternalID is Salesforce's Lead external ID field or HubSpot's lead
	// ID property; empty means the connector's default.
	ExternalID   string
	APIVersion   string // Salesforce
	DetailsField string // HubSpot/Salesforce: where event, qualification and notes go
	// Rate is pushes per second; 0 means the connector's default.
	Rate float64
}

// CRMSecret reads the secret from LEADCAP_CRM_SECRET.
func CRMSecret() string { return CRMSecretIn(nil) }

// CRMSecretIn reads the secret from LEADCAP_CRM_SECRET in env (nil: the
// process's environment).
func CRMSecretIn(env Env) string { return strings.TrimSpace(env.Get(SecretEnv)) }

// SecretSource says where the CRM secret comes from.
type SecretSource int

// Where a secret comes from, in the order they are tried.
const (
	SecretMissing     SecretSource = iota // neither: sync cannot run
	SecretFromEnv                         // LEADCAP_CRM_SECRET, which wins
	SecretFromKeyring                     // the operating system's keyring
)

// SecretAccount is the keyring account the set-up's secret is filed under:
// connector, address and, for Tryton, database and user. A remembered
// secret is thus only ever used for the CRM it was saved for; a new
// address needs it set again.
func (cs CRMSettings) SecretAccount() string {
	parts := []string{strings.ToLower(strings.TrimSpace(cs.Connector))}
	for _, p := range []string{cs.URL, cs.Database, cs.User} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}

// ResolveSecret returns the CRM secret for cs and where it comes from:
// LEADCAP_CRM_SECRET wins, then kr. A secret found nowhere is "" and
// SecretMissing; err is then non-nil only when kr could not be asked
// (wrapping credentials.ErrUnavailable: its text says what to do).
func ResolveSecret(kr credentials.Keyring, cs CRMSettings) (string, SecretSource, error) {
	return ResolveSecretIn(nil, kr, cs)
}

// ResolveSecretIn is ResolveSecret with LEADCAP_CRM_SECRET read from env
// (nil: the process's environment).
func ResolveSecretIn(env Env, kr credentials.Keyring, cs CRMSettings) (string, SecretSource, error) {
	if s := CRMSecretIn(env); s != "" {
		return s, SecretFromEnv, nil
	}
	if cs.Connector == "" {
		return "", SecretMissing, nil
	}
	s, err := kr.Get(cs.SecretAccount())
	switch {
	case errors.Is(err, credentials.ErrNotFound):
		return "", SecretMissing, nil
	case err != nil:
		return "", SecretMissing, err
	}
	return s, SecretFromKeyring, nil
}

// RememberSecret stores secret for the set-up cs in kr, replacing an
// earlier one; never in the database.
func RememberSecret(kr credentials.Keyring, cs CRMSettings, secret string) error {
	if err := cs.Validate(); err != nil {
		return err
	}
	if err := kr.Set(cs.SecretAccount(), strings.TrimSpace(secret)); err != nil {
		return fmt.Errorf("workflow: remember the CRM secret: %w", err)
	}
	return nil
}

// ForgetSecret removes the set-up's secret from kr; the error wraps
// credentials.ErrNotFound when there was none.
func ForgetSecret(kr credentials.Keyring, cs CRMSettings) error {
	if err := cs.Validate(); err != nil {
		return err
	}
	if err := kr.Delete(cs.SecretAccount()); err != nil {
		return fmt.Errorf("workflow: forget the CRM secret: %w", err)
	}
	return nil
}

// LoadCRM reads the CRM set-up from the store; Connector is empty when none
// was set up.
func LoadCRM(s *storage.Store) (CRMSettings, error) {
	var v [8]string
	for i, k := range crmKeys {
		val, err := s.Setting(k)
		if err != nil {
			return CRMSettings{}, fmt.Errorf("workflow: read CRM settings: %w", err)
		}
		v[i] = val
	}
	cs := CRMSettings{Connector: v[0], URL: v[1], Database: v[2], User: v[3], ExternalID: v[4], APIVersion: v[5], DetailsField: v[6]}
	if v[7] != "" {
		r, err := strconv.ParseFloat(v[7], 64)
		if err != nil {
			return cs, fmt.Errorf("workflow: the setting %s=%q is not a number: set it again with leadcap crm set", KeyCRMRate, v[7])
		}
		cs.Rate = r
	}
	return cs, nil
}

// Validate checks that the settings name a connector and carry what it
// needs, and normalizes the connector's name.
func (cs *CRMSettings) Validate() error {
	cs.Connector = strings.ToLower(strings.TrimSpace(cs.Connector))
	cs.URL = strings.TrimSpace(cs.URL)
	var missing []string
	need := func(v, what string) {
		if strings.TrimSpace(v) == "" {
			missing = append(missing, what)
		}
	}
	switch cs.Connector {
	case "tryton":
		need(cs.URL, "--url (the Tryton server, e.g. http://127.0.0.1:8000/)")
		need(cs.Database, "--database")
		need(cs.User, "--user")
	case "salesforce":
		need(cs.URL, "--url (the org's address, e.g. https://mycompany.my.salesforce.com)")
	case "webhook":
		need(cs.URL, "--url (the endpoint, e.g. https://crm.example.com/leadcap)")
	case "hubspot":
	case "":
		return ErrNoCRM
	default:
		return fmt.Errorf("%q: %w", cs.Connector, ErrUnknownConnector)
	}
	if cs.Rate < 0 {
		return fmt.Errorf("the rate %v is negative: give pushes per second, e.g. 5", cs.Rate)
	}
	if len(missing) > 0 {
		return fmt.Errorf("the %s connector needs %s", cs.Connector, strings.Join(missing, ", "))
	}
	return nil
}

// SaveCRM validates cs and writes it to the store's settings, replacing the
// previous set-up. The secret is not part of it.
func SaveCRM(s *storage.Store, cs CRMSettings) error {
	if err := cs.Validate(); err != nil {
		return err
	}
	// Building the connector with a stand-in secret checks addresses and
	// versions now rather than at the first sync.
	if _, _, err := NewConnector(cs, "check-only"); err != nil {
		return err
	}
	rateText := ""
	if cs.Rate > 0 {
		rateText = strconv.FormatFloat(cs.Rate, 'f', -1, 64)
	}
	vals := []string{cs.Connector, cs.URL, cs.Database, cs.User, cs.ExternalID, cs.APIVersion, cs.DetailsField, rateText}
	for i, k := range crmKeys {
		if err := s.SetSetting(k, vals[i]); err != nil {
			return fmt.Errorf("workflow: save CRM settings: %w", err)
		}
	}
	return nil
}

// Describe returns the set-up as "key: value" lines for `crm show` and the
// settings screen, saying where the secret comes from without showing it.
func (cs CRMSettings) Describe(src SecretSource) []string {
	if cs.Connector == "" {
		return []string{"connector: none (" + ErrNoCRM.Error() + ")"}
	}
	lines := []string{"connector: " + cs.Connector}
	add := func(k, v string) {
		if v != "" {
			lines = append(lines, k+": "+v)
		}
	}
	add("url", cs.URL)
	add("database", cs.Database)
	add("user", cs.User)
	add("external id field", cs.ExternalID)
	add("api version", cs.APIVersion)
	add("details field", cs.DetailsField)
	if cs.Rate > 0 {
		add("rate", strconv.FormatFloat(cs.Rate, 'f', -1, 64)+" pushes/s")
	}
	switch src {
	case SecretFromEnv:
		lines = append(lines, "secret: from the environment ("+SecretEnv+")")
	case SecretFromKeyring:
		lines = append(lines, "secret: from this device's keyring")
	default:
		lines = append(lines, "secret: missing (store it with leadcap crm secret set, or put it in "+SecretEnv+")")
	}
	return lines
}

// defaultRate is each connector's token bucket: pushes per second and
// burst. HubSpot allows 100 requests per 10 s to a private app; Salesforce
// counts requests per day, Sforce-Limit-Info paces it further; the webhook
// sends up to 20 requests per push.
func defaultRate(connector string) (rate.Limit, int) {
	switch connector {
	case "hubspot":
		return 9, 9
	case "salesforce":
		return 5, 5
	case "webhook":
		return 2, 2
	default: // tryton: a server of our own, several RPC calls per push
		return 10, 5
	}
}

// NewConnector builds the connector the settings name, with secret, and
// its token bucket.
func NewConnector(cs CRMSettings, secret string) (syncer.Connector, *rate.Limiter, error) {
	if err := cs.Validate(); err != nil {
		return nil, nil, err
	}
	if secret == "" {
		return nil, nil, ErrNoSecret
	}
	var (
		c   syncer.Connector
		err error
	)
	switch cs.Connector {
	case "tryton":
		c, err = tryton.New(tryton.Config{URL: cs.URL, Database: cs.Database, User: cs.User, Password: secret})
	case "hubspot":
		c, err = hubspot.New(hubspot.Config{BaseURL: cs.URL, Token: secret, LeadIDProperty: cs.ExternalID, DetailsProperty: cs.DetailsField})
	case "salesforce":
		c, err = salesforce.New(salesforce.Config{InstanceURL: cs.URL, Token: secret, APIVersion: cs.APIVersion,
			ExternalIDField: cs.ExternalID, DetailsField: cs.DetailsField})
	case "webhook":
		c, err = webhook.New(webhook.Config{URL: cs.URL, Secret: secret})
	}
	if err != nil {
		return nil, nil, err
	}
	lim, burst := defaultRate(cs.Connector)
	if cs.Rate > 0 {
		lim, burst = rate.Limit(cs.Rate), max(1, int(cs.Rate))
	}
	return c, rate.NewLimiter(lim, burst), nil
}

// ConnectorFromStore builds the connector set up in the store, with the
// secret from LEADCAP_CRM_SECRET or else the keyring when secret is empty.
func ConnectorFromStore(s *storage.Store, secret string) (syncer.Connector, *rate.Limiter, error) {
	return ConnectorFromStoreIn(nil, s, secret)
}

// ConnectorFromStoreIn is ConnectorFromStore with LEADCAP_CRM_SECRET read
// from env (nil: the process's environment).
func ConnectorFromStoreIn(env Env, s *storage.Store, secret string) (syncer.Connector, *rate.Limiter, error) {
	cs, err := LoadCRM(s)
	if err != nil {
		return nil, nil, err
	}
	if secret == "" {
		// No keyring is no secret: NewConnector says ErrNoSecret.
		secret, _, _ = ResolveSecretIn(env, credentials.System{}, cs)
	}
	return NewConnector(cs, secret)
}

// TestCRM checks reachability and credentials of the CRM set up in the
// store with one cheap call, within timeout (default 15 s). The error is a
// sentence for the user.
func TestCRM(ctx context.Context, s *storage.Store, secret string, timeout time.Duration) error {
	return TestCRMIn(ctx, nil, s, secret, timeout)
}

// TestCRMIn is TestCRM with LEADCAP_CRM_SECRET read from env (nil: the
// process's environment).
func TestCRMIn(ctx context.Context, env Env, s *storage.Store, secret string, timeout time.Duration) error {
	c, _, err := ConnectorFromStoreIn(env, s, secret)
	if err != nil {
		return err
	}
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := c.Probe(ctx); err != nil {
		return fmt.Errorf("%s: %w", c.Name(), err)
	}
	return nil
}
