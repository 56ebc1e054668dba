package app

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"leadcap/capture"
)

// scannerKeys turns what a handheld scanner types (a keyboard wedge) into
// payloads, and tells a person's Enter from the scanner's. Only touched on
// the UI goroutine; its timer calls back through do.
type scannerKeys struct {
	asm    *capture.Assembler
	timer  *time.Timer
	clock  func() time.Time
	do     func(func())
	closed bool
	// done is when a key last completed a payload: an Enter that follows
	// within the scanner's pause ends that scan, it does not save a review.
	done time.Time

	onPayload func(string) // a complete payload
	onEnter   func()       // Enter typed by a person, with nothing pending
}

func newScannerKeys(do func(func()), onPayload func(string), onEnter func()) *scannerKeys {
	return &scannerKeys{asm: capture.NewAssembler(0), clock: time.Now, do: do, onPayload: onPayload, onEnter: onEnter}
}

// typedRune receives the characters typed while no entry has the focus:
// those of a handheld scanner.
func (k *scannerKeys) typedRune(r rune) { k.key(r) }

// typedKey receives Enter and Tab, which end or split a scanner's payload,
// while no entry has the focus. Enter with nothing pending, long enough
// after the last scan, is a person's: see onEnter.
func (k *scannerKeys) typedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if !k.asm.Pending() {
			if k.clock().Sub(k.done) >= capture.AssemblerPause {
				k.onEnter()
			}
			return
		}
		k.key('\n')
	case fyne.KeyTab:
		if k.asm.Pending() {
			k.key('\t')
		}
	}
}

func (k *scannerKeys) key(r rune) {
	now := k.clock()
	payloads := k.asm.Key(r, now)
	k.armTimer()
	k.hand(payloads, now)
}

func (k *scannerKeys) hand(payloads []string, at time.Time) {
	for _, p := range payloads {
		k.done = at
		k.onPayload(p)
	}
}

// armTimer makes the timer flush a payload that ends without Enter.
func (k *scannerKeys) armTimer() {
	if !k.asm.Pending() || k.closed {
		if k.timer != nil {
			k.timer.Stop()
		}
		return
	}
	const tick = capture.AssemblerPause / 2
	if k.timer == nil {
		k.timer = time.AfterFunc(tick, func() { k.do(k.onTimer) })
		return
	}
	k.timer.Reset(tick)
}

func (k *scannerKeys) onTimer() {
	if k.closed {
		return
	}
	k.flush(k.clock())
	k.armTimer()
}

// flush hands on a payload whose scanner sent no Enter once the pause has
// passed.
func (k *scannerKeys) flush(at time.Time) { k.hand(k.asm.Flush(at), at) }

// stop ends the timer; the window is closing.
func (k *scannerKeys) stop() {
	k.closed = true
	if k.timer != nil {
		k.timer.Stop()
	}
}

// scanSink is an invisible focusable widget at the top of Capture. While no
// field has the focus the window's key handlers feed the scanner; but the
// driver moves the focus to the first focusable object when Tab is typed,
// so a scanner that sends Tab would otherwise type the rest of its payload
// into a field. The sink is that first object: it hands the keys on to the
// assembler, and keeps Tab.
type scanSink struct {
	widget.BaseWidget
	k *scannerKeys
}

func newScanSink(k *scannerKeys) *scanSink {
	s := &scanSink{k: k}
	s.ExtendBaseWidget(s)
	return s
}

func (s *scanSink) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

func (s *scanSink) FocusGained()               {}
func (s *scanSink) FocusLost()                 {}
func (s *scanSink) TypedRune(r rune)           { s.k.typedRune(r) }
func (s *scanSink) TypedKey(ev *fyne.KeyEvent) { s.k.typedKey(ev) }

// AcceptsTab keeps a Tab that is part of a payload; any other Tab moves
// the focus on into the form, as usual.
func (s *scanSink) AcceptsTab() bool { return s.k.asm.Pending() }
