package app

import (
	"context"
	"errors"
	"image"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"leadcap/lead"
)

// The live camera, tested against a camera made here: it yields 1280×720
// frames the tests draw, with and without a QR card in them.

const wifiCode = "WIFI:T:WPA;S:Booth B12;P:fair-2026;;"

// graceCard is a second visitor.
const graceCard = "MECARD:N:Hopper,Grace;ORG:Navy;EMAIL:grace@example.org;;"

// cameraFrame draws a 1280×720 frame as a webcam delivers it (YCbCr 4:2:2):
// a grey, slightly noisy booth, and when payload is not empty a white card
// with its QR code, written by gozxing with the UTF-8 character set.
func cameraFrame(t testing.TB, payload string, seed uint64) *image.YCbCr {
	t.Helper()
	m := image.NewYCbCr(image.Rect(0, 0, 1280, 720), image.YCbCrSubsampleRatio422)
	rng := rand.New(rand.NewPCG(seed, 7))
	for i := range m.Y {
		m.Y[i] = uint8(100 + rng.IntN(24))
	}
	for i := range m.Cb {
		m.Cb[i], m.Cr[i] = 126, 131
	}
	// The card, lit a little unevenly.
	for y := 140; y < 600; y++ {
		for x := 400; x < 900; x++ {
			m.Y[y*m.YStride+x] = uint8(215 + (x-400)/20)
		}
	}
	if payload == "" {
		return m
	}
	hints := map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_CHARACTER_SET: "UTF-8"}
	code, err := qrcode.NewQRCodeWriter().Encode(payload, gozxing.BarcodeFormat_QR_CODE, 380, 380, hints)
	require.NoError(t, err)
	for y := range code.GetHeight() {
		for x := range code.GetWidth() {
			if code.Get(x, y) {
				m.Y[(180+y)*m.YStride+460+x] = uint8(25 + rng.IntN(10))
			}
		}
	}
	return m
}

// uiThread stands in for Fyne's UI goroutine: what workers hand to the one
// door waits in a queue until the test's goroutine runs it. The camera's
// goroutines run for real beside it.
type uiThread struct {
	mu    sync.Mutex
	queue []func()
	wake  chan struct{}
}

func newUIThread() *uiThread { return &uiThread{wake: make(chan struct{}, 1)} }

func (q *uiThread) do(f func()) {
	q.mu.Lock()
	q.queue = append(q.queue, f)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// drain runs what is queued, and what that queues, on the test's goroutine.
func (q *uiThread) drain() {
	for {
		q.mu.Lock()
		fs := q.queue
		q.queue = nil
		q.mu.Unlock()
		if len(fs) == 0 {
			return
		}
		for _, f := range fs {
			f()
		}
	}
}

// until runs the queue until cond holds. The timeout only keeps a broken
// test from hanging.
func (q *uiThread) until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	timeout := time.NewTimer(20 * time.Second)
	defer timeout.Stop()
	for {
		q.drain()
		if cond() {
			return
		}
		select {
		case <-q.wake:
		case <-timeout.C:
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

// fakeClock is the camera's clock; the test moves it.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// fakeCamera is a camera the test feeds frame by frame. Its channel is
// unbuffered, so a send returns only once the camera's loop took the
// frame, that is once it finished with the frame before. A nil frame,
// which the loop skips, is how a test waits for that.
type fakeCamera struct {
	frames  chan image.Image
	openErr error

	mu      sync.Mutex
	sources []*fakeSource
	refused int           // opens refused because the stream before was still open
	gate    chan struct{} // when not nil, Close waits until it is closed
	closing chan struct{} // closed when a Close starts waiting at the gate
}

type fakeSource struct {
	cam    *fakeCamera
	ctx    context.Context
	closed chan struct{}
}

func newFakeCamera() *fakeCamera { return &fakeCamera{frames: make(chan image.Image)} }

func (f *fakeCamera) find() (cameraDevice, bool) {
	return cameraDevice{name: "test camera", open: f.open}, true
}

// open opens the camera; like a V4L2 driver, it refuses while the stream
// opened before is not closed yet.
func (f *fakeCamera) open() (frameSource, error) {
	if f.openErr != nil {
		return nil, f.openErr
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if n := len(f.sources); n > 0 && !isClosed(f.sources[n-1].closed) {
		f.refused++
		return nil, errors.New("device or resource busy")
	}
	src := &fakeSource{cam: f, closed: make(chan struct{})}
	f.sources = append(f.sources, src)
	return src, nil
}

func (f *fakeCamera) opened() []*fakeSource {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*fakeSource(nil), f.sources...)
}

func (s *fakeSource) Frames(ctx context.Context) <-chan image.Image {
	s.ctx = ctx
	return s.cam.frames
}

// Close releases the device; while the test holds the gate (holdClose),
// it takes until the test lets it go, as a driver that needs a while to
// stop streaming.
func (s *fakeSource) Close() error {
	s.cam.mu.Lock()
	gate, closing := s.cam.gate, s.cam.closing
	s.cam.mu.Unlock()
	if gate != nil {
		close(closing)
		<-gate
	}
	close(s.closed) // a second Close panics: the camera closes its source once
	return nil
}

// holdClose makes the next Close wait until release is called. closing is
// closed once that Close started waiting.
func (f *fakeCamera) holdClose(t *testing.T) (closing <-chan struct{}, release func()) {
	gate, started := make(chan struct{}), make(chan struct{})
	f.mu.Lock()
	f.gate, f.closing = gate, started
	f.mu.Unlock()
	var once sync.Once
	release = func() {
		once.Do(func() {
			f.mu.Lock()
			f.gate, f.closing = nil, nil
			f.mu.Unlock()
			close(gate)
		})
	}
	t.Cleanup(release) // a failed test does not leave the camera's loop hanging
	return started, release
}

func (f *fakeCamera) refusedCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.refused
}

// waitReopening waits until the camera's newest run either tried to open
// the device or is waiting for the run before it to release the device: a
// goroutine of the camera's loop blocked in WaitGroup.Wait. The timeout only
// keeps a broken test from hanging.
func (f *fakeCamera) waitReopening(t *testing.T, opensBefore int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	buf := make([]byte, 1<<20)
	for {
		if len(f.opened())+f.refusedCount() > opensBefore {
			return
		}
		for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
			if strings.Contains(g, "sync.(*WaitGroup).Wait(") && strings.Contains(g, ".(*cameraView).loop(") {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the camera was neither opened again nor waiting to be")
		}
		runtime.Gosched()
	}
}

// send hands the camera's loop a frame.
func (f *fakeCamera) send(t *testing.T, img image.Image) {
	t.Helper()
	timeout := time.NewTimer(20 * time.Second)
	defer timeout.Stop()
	select {
	case f.frames <- img:
	case <-timeout.C:
		t.Fatal("the camera's loop does not take frames")
	}
}

// cameraRig is the Capture screen at a booth with a fake camera plugged in.
type cameraRig struct {
	u     *UI
	s     *captureScreen
	ui    *uiThread
	cam   *fakeCamera
	clock *fakeClock
}

func newCameraRig(t *testing.T) *cameraRig {
	t.Helper()
	st := newStore(t)
	ev := lead.Event{Name: "Hannover Messe", City: "Hannover", Country: "DE", Booth: "B12"}
	require.NoError(t, st.CreateEvent(&ev))
	require.NoError(t, st.SetActiveEvent(ev.ID))
	require.NoError(t, st.SetSetting(settingDevice, "booth-tablet-1"))
	test.NewTempApp(t)
	q := newUIThread()
	c := &clock{t: t0.Add(2 * time.Hour)}
	u := New(fyne.CurrentApp(), st, Options{Staff: "Anna", Now: c.now, run: inline, do: q.do})
	if fyne.CurrentDevice().IsMobile() {
		u.win.Resize(fyne.NewSize(400, 760))
	} else {
		u.win.Resize(fyne.NewSize(900, 640))
	}
	q.drain()
	r := &cameraRig{u: u, s: u.capture, ui: q, cam: newFakeCamera(),
		clock: &fakeClock{t: t0}}
	r.s.cam.now = r.clock.now
	r.s.cam.find = r.cam.find
	t.Cleanup(func() {
		if !r.s.cam.closed { // the test closed it already
			u.win.Close()
		}
	})
	r.s.cam.detect()
	q.drain()
	require.Equal(t, 0, u.tabs.SelectedIndex())
	require.Equal(t, "Ready to scan.", r.s.home.status.Text)
	return r
}

// turnOn taps Camera and waits for the camera to be opened.
func (r *cameraRig) turnOn(t *testing.T) *fakeSource {
	t.Helper()
	n := len(r.cam.opened())
	require.True(t, r.s.cam.toggle.Visible(), "a camera was found")
	test.Tap(r.s.cam.toggle)
	r.cam.send(t, nil) // the loop runs: the camera was opened
	srcs := r.cam.opened()
	require.Len(t, srcs, n+1)
	return srcs[n]
}

// show hands the camera a frame a tenth of a second after the last one and
// runs what it sent to the UI.
func (r *cameraRig) show(t *testing.T, img image.Image) {
	t.Helper()
	r.clock.advance(100 * time.Millisecond)
	r.cam.send(t, img)
	r.cam.send(t, nil) // taken: the loop finished with img
	r.ui.drain()
}

// waitEnded waits until the run's goroutines ended.
func waitEnded(t *testing.T, run *cameraRun) {
	t.Helper()
	ended := make(chan struct{})
	go func() { run.wg.Wait(); close(ended) }()
	select {
	case <-ended:
	case <-time.After(20 * time.Second):
		t.Fatal("the camera's goroutines did not end")
	}
}

func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// visible reports whether o is on screen: it and every container above it
// in the window are visible.
func visible(u *UI, o fyne.CanvasObject) bool {
	found := false
	walkTree(u.win.Content(), func(c fyne.CanvasObject) bool {
		found = found || (c == o && c.Visible())
		return !found && c.Visible()
	})
	return found
}

func TestCameraControlsHiddenWithoutCamera(t *testing.T) {
	u, s, _ := atBooth(t)
	s.cam.find = func() (cameraDevice, bool) { return newFakeCamera().find() }
	s.cam.detect()
	require.True(t, visible(u, s.cam.toggle), "with a camera the button shows")

	s.cam.find = func() (cameraDevice, bool) { return cameraDevice{}, false }
	s.cam.detect()
	assert.False(t, visible(u, s.cam.toggle), "no Camera button without a camera")
	assert.False(t, visible(u, s.cam.box), "no preview without a camera")
	assert.True(t, visible(u, s.home.openPhoto), "photos still work")
	assert.True(t, visible(u, s.cam.icon))
	assert.Nil(t, s.cam.live)
}

func TestCameraPreviewShowsFrames(t *testing.T) {
	r := newCameraRig(t)
	s := r.s
	assert.False(t, visible(r.u, s.cam.box), "no preview before the camera is on")
	r.turnOn(t)
	r.ui.drain()
	assert.True(t, visible(r.u, s.cam.box), "the preview replaces the icon")
	assert.False(t, visible(r.u, s.cam.icon))
	assert.Equal(t, "Stop camera", s.cam.toggle.Text)
	assert.Equal(t, "Hold the QR code in front of the camera.", s.home.status.Text)

	a, b := cameraFrame(t, "", 2), cameraFrame(t, "", 3)
	r.show(t, a)
	assert.Same(t, a, s.cam.preview.Image)
	// Laid out in the room the icon left, above the buttons.
	assert.GreaterOrEqual(t, s.cam.preview.Size().Width, float32(384))
	assert.GreaterOrEqual(t, s.cam.preview.Size().Height, float32(216))
	top := fyne.CurrentApp().Driver().AbsolutePositionForObject
	assert.Less(t, top(s.cam.preview).Y+s.cam.preview.Size().Height, top(s.cam.toggle).Y)
	assert.Greater(t, top(s.cam.preview).Y, top(s.chip).Y+s.chip.Size().Height)
	test.AssertObjectRendersToMarkup(t, golden("capture_camera.xml"), s.content) // the screen only: the tabs have goldens of their own
	r.show(t, b)
	assert.Same(t, b, s.cam.preview.Image)

	// At 30 frames a second, every other frame reaches the preview.
	frames := []*image.YCbCr{cameraFrame(t, "", 4), cameraFrame(t, "", 5), cameraFrame(t, "", 6)}
	shown := 0
	for i := range 30 {
		f := frames[i%3]
		r.clock.advance(time.Second / 30)
		r.cam.send(t, f)
		r.cam.send(t, nil) // taken: the loop finished with f
		before := s.cam.preview.Image
		r.ui.drain()
		if s.cam.preview.Image != before {
			shown++
		}
	}
	assert.Equal(t, 15, shown, "about 15 frames a second go to the UI")
	assert.True(t, s.idle.Visible(), "frames without a code open nothing")
}

func TestCameraContactOpensReviewPrefilled(t *testing.T) {
	r := newCameraRig(t)
	s := r.s
	r.turnOn(t)
	r.show(t, cameraFrame(t, "", 2))
	require.Nil(t, s.rev.form)

	r.show(t, cameraFrame(t, jurgenCard, 3))
	require.NotNil(t, s.rev.form, "the code opened the review form")
	assert.True(t, s.rev.content.Visible())
	assert.False(t, s.idle.Visible())
	assert.Equal(t, "Review the scan", s.rev.title.Text)
	assert.Equal(t, "Jürgen", s.rev.form.given.Text)
	assert.Equal(t, "Müller", s.rev.form.family.Text)
	assert.Equal(t, "Müller Maschinenbau GmbH", s.rev.form.org.Text)
	assert.Equal(t, "j.mueller@example.de", s.rev.form.email.Text)
	assert.Contains(t, s.rev.form.captured.Text, "by Anna · QR code")
	require.Len(t, allLeads(t, r.u), 1, "stored as soon as it was read")

	test.Tap(s.rev.form.save)
	r.ui.drain()
	ls := allLeads(t, r.u)
	require.Len(t, ls, 1)
	assert.Equal(t, lead.MethodQRScan, ls[0].Source.Method)
	assert.Equal(t, jurgenCard, ls[0].RawPayload)
	assert.Equal(t, "+495111234567", ls[0].Contact.Phones[0].Number, "the event's country is the phone region")
	assert.True(t, visible(r.u, s.cam.box), "after saving, the preview is back for the next visitor")
}

func TestCameraHeldCodeDoesNotReopenTheForm(t *testing.T) {
	r := newCameraRig(t)
	s := r.s
	r.turnOn(t)
	ada := cameraFrame(t, adaCard, 2)

	r.show(t, ada)
	require.NotNil(t, s.rev.form)
	assert.Equal(t, "Ada", s.rev.form.given.Text)

	// Her card laid down and picked up again while her form is open,
	// after the cooldown: the form stays as it is.
	test.Type(s.rev.form.noteText, "Wants a demo")
	r.clock.advance(2 * cameraCooldown)
	r.show(t, ada)
	require.NotNil(t, s.rev.form)
	assert.Equal(t, "Wants a demo", s.rev.form.noteText.Text, "the card under review does not replace its own review")

	// Saved while the card is still held up: the form does not come back.
	test.Tap(s.rev.form.save)
	r.ui.drain()
	require.Len(t, allLeads(t, r.u), 1)
	for range 5 {
		r.clock.advance(time.Second)
		r.show(t, ada)
		require.Nil(t, s.rev.form, "the held card does not reopen the form")
		require.True(t, s.idle.Visible())
	}
	assert.Equal(t, "Saved Ada Lovelace. 1 lead today at Hannover Messe by Anna.", s.home.resultText.Text)
	assert.Equal(t, "Ready for the next scan.", s.home.status.Text)

	// Away for longer than the cooldown: shown again, it opens the form.
	r.clock.advance(cameraCooldown)
	r.show(t, ada)
	require.NotNil(t, s.rev.form, "the card shown again opens the form")
	assert.Equal(t, "Ada", s.rev.form.given.Text)

	// A different card opens the form at once.
	test.Tap(s.rev.discard)
	r.show(t, cameraFrame(t, graceCard, 4))
	require.NotNil(t, s.rev.form)
	assert.Equal(t, "Grace", s.rev.form.given.Text)
}

func TestCameraCooldownIsMeasuredFromTheLastSighting(t *testing.T) {
	r := newCameraRig(t)
	s := r.s
	r.turnOn(t)
	grace := cameraFrame(t, graceCard, 2)
	r.show(t, grace)
	require.NotNil(t, s.rev.form)
	test.Tap(s.rev.discard)

	r.clock.advance(cameraCooldown - 200*time.Millisecond)
	r.show(t, grace) // 2.9 s later: held, and the cooldown starts again
	assert.Nil(t, s.rev.form)
	r.clock.advance(cameraCooldown - 200*time.Millisecond)
	r.show(t, grace)
	assert.Nil(t, s.rev.form, "still held")
	r.clock.advance(cameraCooldown)
	r.show(t, grace)
	assert.NotNil(t, s.rev.form, "out of sight for longer than the cooldown")
}

func TestCameraWiFiCodeOffersNote(t *testing.T) {
	r := newCameraRig(t)
	s := r.s
	r.turnOn(t)
	r.show(t, cameraFrame(t, wifiCode, 2))
	assert.True(t, s.note.content.Visible(), "the note offer is up")
	assert.Nil(t, s.rev.form)
	assert.Equal(t, "This code holds Wi-Fi settings, not a contact.", s.note.kind.Text)
	assert.Equal(t, wifiCode, s.note.raw.Text)
	assert.False(t, s.note.newLead.Disabled())

	test.Tap(s.note.newLead)
	r.ui.drain()
	require.NotNil(t, s.rev.form)
	assert.Equal(t, wifiCode, s.rev.form.noteText.Text, "the new lead carries the code as a note")
	assert.Empty(t, allLeads(t, r.u), "nothing is made up from the code")
}

func TestCameraStopsAndClosesTheSource(t *testing.T) {
	r := newCameraRig(t)
	s := r.s
	src := r.turnOn(t)
	run := s.cam.live
	require.NotNil(t, run)

	// Turned off.
	test.Tap(s.cam.toggle)
	waitEnded(t, run)
	assert.True(t, isClosed(src.closed), "the source was closed")
	assert.Error(t, src.ctx.Err(), "its context is done")
	assert.Nil(t, s.cam.live)
	assert.False(t, visible(r.u, s.cam.box))
	assert.True(t, visible(r.u, s.cam.icon))
	assert.Equal(t, "Camera", s.cam.toggle.Text)

	// Another tab: the camera pauses; back on Capture it resumes.
	src = r.turnOn(t)
	run = s.cam.live
	r.u.showLeads()
	waitEnded(t, run)
	assert.True(t, isClosed(src.closed), "leaving Capture closes the camera")
	assert.Nil(t, s.cam.live)
	r.u.tabs.SelectIndex(0)
	require.NotNil(t, s.cam.live, "back on Capture the camera runs again")
	a := cameraFrame(t, "", 9)
	r.show(t, a)
	require.Len(t, r.cam.opened(), 3)
	assert.Same(t, a, s.cam.preview.Image)

	// The window closes: the camera stops before it returns.
	src, run = r.cam.opened()[2], s.cam.live
	r.u.win.Close()
	assert.True(t, isClosed(src.closed), "closing the window closes the camera")
	waitEnded(t, run)
	assert.True(t, s.cam.closed)
}

// Back on Capture at once after another tab: the camera opens again once
// the stream before released the device, instead of failing as busy.
func TestCameraBackOnCaptureAtOnceReopens(t *testing.T) {
	r := newCameraRig(t)
	s := r.s
	first := r.turnOn(t)
	closing, release := r.cam.holdClose(t)
	r.u.showLeads()
	select { // the paused stream is still being closed...
	case <-closing:
	case <-time.After(20 * time.Second):
		t.Fatal("leaving Capture did not close the camera")
	}
	r.u.tabs.SelectIndex(0) // ...when Capture is back
	r.cam.waitReopening(t, 1)
	require.Zero(t, r.cam.refusedCount(), "the camera is not opened again while the stream before still holds it")
	require.Len(t, r.cam.opened(), 1, "nor is it opened before that stream was closed")
	release()
	a := cameraFrame(t, "", 9)
	r.show(t, a)
	require.Len(t, r.cam.opened(), 2)
	assert.True(t, isClosed(first.closed))
	assert.Same(t, a, s.cam.preview.Image)
	assert.Equal(t, "Stop camera", s.cam.toggle.Text)
}

func TestCameraThatCannotOpenSaysWhy(t *testing.T) {
	r := newCameraRig(t)
	s := r.s
	r.cam.openErr = errors.New("device or resource busy")
	test.Tap(s.cam.toggle)
	run := s.cam.live
	require.NotNil(t, run)
	r.ui.until(t, "the camera to give up", func() bool { return s.cam.live == nil })
	waitEnded(t, run)
	assert.Equal(t, "The camera could not be started. Close other programs that use it, then tap Camera again.", s.home.status.Text)
	assert.Equal(t, widget.DangerImportance, s.home.status.Importance)
	assert.Equal(t, "Camera", s.cam.toggle.Text)
	assert.False(t, visible(r.u, s.cam.box))
}

func TestCameraUnpluggedSaysWhy(t *testing.T) {
	r := newCameraRig(t)
	s := r.s
	src := r.turnOn(t)
	run := s.cam.live
	close(r.cam.frames) // the camera's stream ends on its own
	r.ui.until(t, "the camera to stop", func() bool { return s.cam.live == nil })
	waitEnded(t, run)
	assert.True(t, isClosed(src.closed))
	assert.Equal(t, "The camera stopped sending pictures. Check its cable, then tap Camera again.", s.home.status.Text)
	assert.Equal(t, "Camera", s.cam.toggle.Text)
}

func TestCameraTurnedOffDropsWhatItStillSent(t *testing.T) {
	r := newCameraRig(t)
	s := r.s
	r.turnOn(t)
	r.clock.advance(time.Second)
	r.cam.send(t, cameraFrame(t, adaCard, 2))
	r.cam.send(t, nil) // read and on its way to the UI, not shown yet
	test.Tap(s.cam.toggle)
	r.ui.drain()
	assert.Nil(t, s.rev.form, "a code read before the camera was turned off opens nothing")
	assert.Nil(t, s.cam.preview.Image, "nor does its frame show")
	assert.True(t, s.idle.Visible())
}

// A new card in front of the camera while a review is open saves that
// review as it stands and opens the next, as the handheld scanner does:
// at a busy booth the next visitor holds up a card before the last form
// is done.
func TestCameraNewCodeWhileReviewingSavesAndOpensTheNext(t *testing.T) {
	r := newCameraRig(t)
	s := r.s
	r.turnOn(t)
	r.show(t, cameraFrame(t, adaCard, 2))
	require.NotNil(t, s.rev.form)
	retype(s.rev.form.title, "Countess of Lovelace")
	test.Type(s.rev.form.noteText, "Wants a demo")

	r.show(t, cameraFrame(t, graceCard, 3))
	require.NotNil(t, s.rev.form, "Grace is up for review")
	assert.Equal(t, "Grace", s.rev.form.given.Text)
	assert.Equal(t, "Saved Ada Lovelace as it stood. Stored. Check the details, then save.", s.rev.form.message.Text)
	ls := allLeads(t, r.u)
	require.Len(t, ls, 2, "both are stored")
	for _, l := range ls {
		if l.Contact.GivenName == "Ada" {
			assert.Equal(t, "Countess of Lovelace", l.Contact.Title, "what was typed on her form was saved")
			require.Len(t, l.Notes, 1)
			assert.Equal(t, "Wants a demo", l.Notes[0].Text)
		}
	}

	// A code that is no contact ends Grace's review the same way and
	// offers itself as a note.
	retype(s.rev.form.title, "Rear Admiral")
	r.show(t, cameraFrame(t, wifiCode, 4))
	assert.Nil(t, s.rev.form)
	assert.True(t, s.note.content.Visible(), "the note offer is up")
	assert.Equal(t, "Saved Grace Hopper as it stood.", s.home.status.Text)
	for _, l := range allLeads(t, r.u) {
		if l.Contact.GivenName == "Grace" {
			assert.Equal(t, "Rear Admiral", l.Contact.Title)
		}
	}

	// And the next contact replaces the note offer.
	r.show(t, cameraFrame(t, jurgenCard, 5))
	require.NotNil(t, s.rev.form)
	assert.Equal(t, "Jürgen", s.rev.form.given.Text)
	assert.False(t, s.note.content.Visible())
	assert.Len(t, allLeads(t, r.u), 3)
}

// A review opened by the handheld scanner is not the camera's: the card
// the camera read before, shown again, saves that review and opens its
// own (a card still in sight stays held by the cooldown).
func TestCameraOldCodeOpensAgainAfterAScannerReview(t *testing.T) {
	r := newCameraRig(t)
	s := r.s
	r.turnOn(t)
	ada := cameraFrame(t, adaCard, 2)
	r.show(t, ada)
	require.NotNil(t, s.rev.form)
	test.Tap(s.rev.form.save)
	r.ui.drain()

	scan(r.u, saraCard, true)
	r.ui.drain()
	require.NotNil(t, s.rev.form)
	require.Equal(t, "Sara", s.rev.form.given.Text, "the scanner opened Sara")
	r.show(t, ada)
	assert.Equal(t, "Sara", s.rev.form.given.Text, "Ada still in sight is held by the cooldown")

	r.clock.advance(2 * cameraCooldown)
	r.show(t, ada)
	require.NotNil(t, s.rev.form)
	assert.Equal(t, "Ada", s.rev.form.given.Text, "Ada shown again opens her review")
	assert.ElementsMatch(t, []string{"Ada Lovelace", "Sara Lind"}, names(t, r.u.st))
}
