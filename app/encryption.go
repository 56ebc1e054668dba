package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"leadcap/storage"
)

// minPassphrase is the shortest passphrase the encryption block accepts.
const minPassphrase = 8

// encryptionBlock is the Settings card that encrypts the leads on this
// device with a passphrase (see storage.Encrypt). Encryption cannot be
// turned off here: a laptop left at a booth must stay unreadable.
type encryptionBlock struct {
	ui      *UI
	state   *widget.Label
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
	e.encrypt = widget.NewButtonWithIcon(lang.L("Encrypt leads"), theme.VisibilityOffIcon(), e.onEncryptTapped)
	e.form = container.NewVBox(e.pass, e.again, e.encrypt)
	e.card = widget.NewCard(lang.L("Encryption"), "", container.NewVBox(e.state, e.form))
	e.show(u.st.Encrypted())
	return e
}

func (e *encryptionBlock) show(encrypted bool) {
	if encrypted {
		e.state.SetText(lang.L("Leads on this device are encrypted. Start leadcap with the passphrase in LEADCAP_PASSPHRASE."))
		e.form.Hide()
		return
	}
	e.state.SetText(lang.L("Leads on this device are not encrypted. Encrypt them with a passphrase; without it nobody can read them, you included."))
	e.form.Show()
}

func (e *encryptionBlock) onEncryptTapped() {
	pw := e.pass.Text
	switch {
	case len([]rune(pw)) < minPassphrase:
		e.state.SetText(lang.L("Choose a passphrase of at least 8 characters."))
		return
	case pw != e.again.Text:
		e.state.SetText(lang.L("The two passphrases differ: type them again."))
		return
	}
	e.encrypt.Disable()
	e.state.SetText(lang.L("Encrypting the leads…"))
	st := e.ui.st
	e.ui.background(func() func() {
		err := st.Encrypt(storage.Passphrase(pw))
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
