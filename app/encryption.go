package app

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"leadcap/internal/credentials"
	"leadcap/storage"
	"leadcap/workflow"
)

// minPassphrase is the shortest passphrase the encryption block accepts.
const minPassphrase = 8

// The two ways the Settings card offers to keep the key.
var (
	optKeyring    = lang.L("Key in this device's keyring")
	optPassphrase = lang.L("Passphrase")
)

// encryptionBlock is the Settings card that encrypts the leads on this
// device (see storage.Encrypt), with a random key kept in the OS keyring
// (the default where there is one) or with a passphrase. Encryption
// cannot be turned off here: a laptop left at a booth must stay
// unreadable.
type encryptionBlock struct {
	ui      *UI
	state   *widget.Label
	how     *widget.RadioGroup
	pass    *widget.Entry
	again   *widget.Entry
	encrypt *widget.Button
	form    *fyne.Container
	card    *widget.Card
}

func newEncryptionBlock(u *UI) *encryptionBlock {
	e := &encryptionBlock{ui: u, state: widget.NewLabel(""), pass: widget.NewPasswordEntry(), again: widget.NewPasswordEntry()}
	e.state.Wrapping = fyne.TextWrapWord
	e.pass.SetPlaceHolder(lang.L("Passphrase"))
	e.again.SetPlaceHolder(lang.L("Passphrase again"))
	e.how = widget.NewRadioGroup([]string{optKeyring, optPassphrase}, e.onHowChanged)
	e.how.Required = true
	e.encrypt = widget.NewButtonWithIcon(lang.L("Encrypt leads"), theme.VisibilityOffIcon(), e.onEncryptTapped)
	e.form = container.NewVBox(e.how, e.pass, e.again, e.encrypt)
	e.card = widget.NewCard(lang.L("Encryption"), "", container.NewVBox(e.state, e.form))
	if !u.st.Encrypted() && workflow.HasKeyring(credentials.System{}) {
		e.how.SetSelected(optKeyring)
	} else {
		e.how.SetSelected(optPassphrase)
		e.how.Disable() // no keyring here: a passphrase is the only way
	}
	e.show(u.st.Encrypted())
	return e
}

func (e *encryptionBlock) onHowChanged(how string) {
	if how == optKeyring {
		e.pass.Hide()
		e.again.Hide()
		return
	}
	e.pass.Show()
	e.again.Show()
}

func (e *encryptionBlock) show(encrypted bool) {
	switch {
	case encrypted && e.ui.st.KeyKind() == "keyring":
		e.state.SetText(lang.L("Leads on this device are encrypted with a key in this device's keyring: leadcap opens them by itself, on this device only."))
		e.form.Hide()
	case encrypted:
		e.state.SetText(lang.L("Leads on this device are encrypted. leadcap asks for the passphrase at start (or reads it from LEADCAP_PASSPHRASE)."))
		e.form.Hide()
	default:
		e.state.SetText(lang.L("Leads on this device are not encrypted. Encrypt them with a key kept in this device's keyring, or with a passphrase; without it nobody can read them, you included."))
		e.form.Show()
	}
}

// key returns the key source chosen, or a sentence that says what is
// wrong with the passphrases typed.
func (e *encryptionBlock) key() (storage.KeySource, string) {
	if e.how.Selected == optKeyring {
		return workflow.KeyringKey(credentials.System{}), ""
	}
	pw := e.pass.Text
	switch {
	case len([]rune(pw)) < minPassphrase:
		return nil, lang.L("Choose a passphrase of at least 8 characters.")
	case pw != e.again.Text:
		return nil, lang.L("The two passphrases differ: type them again.")
	}
	return storage.Passphrase(pw), ""
}

func (e *encryptionBlock) onEncryptTapped() {
	ks, problem := e.key()
	if ks == nil {
		e.state.SetText(problem)
		return
	}
	e.encrypt.Disable()
	e.state.SetText(lang.L("Encrypting the leads…"))
	st := e.ui.st
	e.ui.background(func() func() {
		err := st.Encrypt(ks)
		return func() {
			e.encrypt.Enable()
			e.pass.SetText("")
			e.again.SetText("")
			if err != nil {
				e.show(st.Encrypted())
				e.ui.showError(err)
				return
			}
			e.show(true)
		}
	})
}

// unlockWindow asks for the passphrase of an encrypted database at start
// (a database whose key is in the keyring opens without it). A wrong
// passphrase says so and asks again; storage.Open changes nothing then.
type unlockWindow struct {
	win    fyne.Window
	path   string
	msg    *widget.Label
	pass   *widget.Entry
	open   *widget.Button
	opened func(*storage.Store)
	// background runs work off the UI goroutine and applies what it
	// returns on it (tests run both at once).
	background func(work func() (apply func()))
}

// NewUnlockWindow returns the window that asks for the passphrase of the
// encrypted database at path; opened gets the store once it is unlocked,
// after the window closed. main shows it when storage.Open fails with
// storage.ErrEncrypted.
func NewUnlockWindow(a fyne.App, path string, opened func(*storage.Store)) fyne.Window {
	return newUnlockWindow(a, path, opened).win
}

func newUnlockWindow(a fyne.App, path string, opened func(*storage.Store)) *unlockWindow {
	u := &unlockWindow{win: a.NewWindow("leadcap"), path: path, opened: opened,
		msg:  widget.NewLabel(lang.L("The leads on this device are encrypted. Enter the passphrase to open them.")),
		pass: widget.NewPasswordEntry(),
		background: func(work func() func()) {
			go func() { apply := work(); fyne.Do(apply) }()
		}}
	u.msg.Wrapping = fyne.TextWrapWord
	u.pass.SetPlaceHolder(lang.L("Passphrase"))
	u.pass.OnSubmitted = func(string) { u.onOpenTapped() }
	u.open = widget.NewButtonWithIcon(lang.L("Open"), theme.ConfirmIcon(), u.onOpenTapped)
	u.open.Importance = widget.HighImportance
	file := widget.NewLabelWithStyle(path, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	file.Wrapping = fyne.TextWrapBreak
	quit := widget.NewButtonWithIcon(lang.L("Quit"), theme.CancelIcon(), a.Quit)
	u.win.SetContent(container.NewPadded(container.NewVBox(u.msg, file, u.pass,
		container.NewHBox(layout.NewSpacer(), quit, u.open))))
	u.win.Resize(fyne.NewSize(520, 220))
	u.win.Canvas().Focus(u.pass)
	return u
}

// onOpenTapped opens the database with the passphrase typed. Argon2id
// takes a fraction of a second, so it runs off the UI goroutine while the
// Open button waits.
func (u *unlockWindow) onOpenTapped() {
	pw := u.pass.Text
	u.pass.SetText("")
	if pw == "" {
		u.msg.SetText(lang.L("Enter the passphrase the leads were encrypted with."))
		return
	}
	u.open.Disable()
	u.background(func() func() {
		st, err := storage.Open(u.path, &storage.Options{Key: storage.Passphrase(pw)})
		return func() { u.onOpened(st, err) }
	})
}

// onOpened shows what opening with the passphrase gave.
func (u *unlockWindow) onOpened(st *storage.Store, err error) {
	u.open.Enable()
	switch {
	case errors.Is(err, storage.ErrWrongKey):
		u.msg.SetText(lang.L("Wrong passphrase: nothing was opened or changed. Try again."))
		u.win.Canvas().Focus(u.pass)
		return
	case err != nil:
		u.msg.SetText(userMessage(err))
		return
	}
	u.opened(st) // first: the app ends when its last window closes
	u.win.Close()
}

// keyringMessage says that the database's key is not in this device's
// keyring, and why.
func keyringMessage(err error) string {
	if errors.Is(err, credentials.ErrNoKeyring) {
		return lang.L("The leads are encrypted with a key kept in a keyring, and this device has no keyring leadcap can use. Open them on the device that encrypted them, or restore a backup.")
	}
	return lang.L("The leads are encrypted with a key kept in a keyring, and this device's keyring does not hold it. Open them on the device that encrypted them, or restore a backup.")
}
