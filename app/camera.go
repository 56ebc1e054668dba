package app

import (
	"context"
	"image"
	"image/color"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"leadcap/capture"
	"leadcap/lead"
)

// The live camera on Capture: a preview of what the camera sees and a
// decoder that reads QR codes from it continuously. A code with a contact
// opens the review form exactly as a photo of it would (method qr-scan);
// a code without one offers to save it as a note. The camera itself is a
// frameSource: V4L2 on Linux (camera_linux.go), none elsewhere
// (camera_other.go), a generated one in the tests.

const (
	// previewInterval paces the preview: at most about 15 frames a second
	// go through the one door to the UI thread.
	previewInterval = time.Second / 15
	// cameraCooldown is how long the same code must be out of sight before
	// it opens the form again: a card held in front of the camera, or
	// still there after its lead was saved, opens the form once.
	cameraCooldown = 3 * time.Second
	// cameraCloseWait bounds how long closing the window waits for the
	// camera to stop streaming.
	cameraCloseWait = 2 * time.Second
)

// frameSource is an open camera.
type frameSource interface {
	// Frames starts delivering frames and returns the channel they come
	// on. It is called once. A source hands over a new frame only when the
	// previous one was taken, so a slow reader gets the latest frame rather
	// than a queue of old ones, and the source converts no frame nobody
	// reads. The channel is closed when ctx is done or the camera fails
	// (e.g. it was unplugged). A frame belongs to the reader: the source
	// never writes to it again.
	Frames(ctx context.Context) <-chan image.Image
	// Close stops streaming and releases the device. It waits for the
	// goroutine Frames started, if any, to end.
	Close() error
}

// cameraDevice is a camera found on this machine, not yet opened.
type cameraDevice struct {
	name string // e.g. /dev/video0
	// open opens the camera and starts streaming. It runs off the UI
	// goroutine.
	open func() (frameSource, error)
}

// cameraView is the camera's part of the Capture screen: the Camera
// button, the preview, and the goroutines that read and decode frames.
// The button shows only when a camera was found at start.
type cameraView struct {
	s *captureScreen
	// find looks for a camera; findCamera by default. It runs off the UI
	// goroutine.
	find func() (cameraDevice, bool)
	// now is the clock of the preview's pace and of the cooldown; any
	// goroutine may call it.
	now func() time.Time

	toggle  *widget.Button
	preview *canvas.Image
	box     *fyne.Container   // the preview area
	icon    fyne.CanvasObject // Capture's icon, which the preview replaces

	// region is the active event's country, the phone region the decoder
	// parses payloads with. Set on the UI goroutine, read by the decoder.
	region atomic.Pointer[capture.Options] // what parses a frame's codes: the event's country and badge pattern

	// Only touched on the UI goroutine.
	dev      cameraDevice
	found    bool
	on       bool       // the user turned the camera on
	live     *cameraRun // the running camera, if any
	stopping *cameraRun // the last camera paused, until it released the device
	last     string     // the last code handed on, for the cooldown
	lastSeen time.Time  // when that code was last in sight
	onShow   bool       // the review or note on show is last's (not the scanner's, a photo's or one typed in)
	closed   bool       // the window is closing
}

// cameraRun is one session of the camera, from opening to closing it. The
// UI goroutine starts and stops it; its goroutines (the reading loop and at
// most one decode at a time) are counted in wg.
type cameraRun struct {
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	pending  atomic.Bool // a preview frame is on its way to the UI thread
	decoding atomic.Bool // a decode is running: newer frames are not decoded
}

func newCameraView(s *captureScreen, icon fyne.CanvasObject) *cameraView {
	c := &cameraView{s: s, find: findCamera, now: time.Now, icon: icon}
	c.toggle = widget.NewButtonWithIcon(lang.L("Camera"), theme.MediaVideoIcon(), c.onToggleTapped)
	c.toggle.Hide()
	c.preview = canvas.NewImageFromImage(nil)
	c.preview.FillMode = canvas.ImageFillContain
	c.preview.SetMinSize(fyne.NewSize(384, 216))
	c.box = container.NewCenter(container.NewStack(canvas.NewRectangle(color.Black), c.preview))
	c.box.Hide()
	c.region.Store(&capture.Options{})
	return c
}

// start looks for a camera in the background, and connects the camera to
// the tabs and the window: it pauses while another tab is up and stops
// when the window closes.
func (c *cameraView) start() {
	tabs := c.s.ui.tabs
	onSelected, onUnselected := tabs.OnSelected, tabs.OnUnselected
	tabs.OnSelected = func(t *container.TabItem) {
		if onSelected != nil {
			onSelected(t)
		}
		if t.Content == c.s.content {
			c.resume()
		}
	}
	tabs.OnUnselected = func(t *container.TabItem) {
		if onUnselected != nil {
			onUnselected(t)
		}
		if t.Content == c.s.content {
			c.pause()
		}
	}
	c.s.ui.onClose(c.close)
	c.detect()
}

// detect looks for a camera off the UI goroutine and shows the Camera
// button when there is one.
func (c *cameraView) detect() {
	find := c.find
	c.s.ui.background(func() func() {
		dev, ok := find()
		return func() {
			c.dev, c.found = dev, ok
			if ok && !c.closed {
				c.toggle.Show()
			} else {
				c.turnOff()
				c.toggle.Hide()
			}
			c.relayout()
		}
	})
}

func (c *cameraView) onToggleTapped() {
	if c.on {
		c.turnOff()
		c.s.showStatus(lang.L("Ready to scan."), false)
		return
	}
	if !c.found || c.closed {
		return
	}
	c.on = true
	c.toggle.SetText(lang.L("Stop camera"))
	c.toggle.SetIcon(theme.MediaStopIcon())
	c.icon.Hide()
	c.box.Show()
	c.relayout()
	c.s.showStatus(lang.L("Hold the QR code in front of the camera."), false)
	c.resume()
}

// turnOff stops the camera and puts the icon back in place of the preview.
func (c *cameraView) turnOff() {
	c.on = false
	c.pause()
	c.toggle.SetText(lang.L("Camera"))
	c.toggle.SetIcon(theme.MediaVideoIcon())
	c.box.Hide()
	c.preview.Image = nil
	c.icon.Show()
	c.relayout()
}

// relayout lays Capture's idle view out again after the camera's parts
// were shown or hidden: a box does not make room for what appears in it
// by itself.
func (c *cameraView) relayout() {
	if c.s.idle != nil {
		c.s.idle.Refresh()
	}
}

// resume starts the camera if the user turned it on and none runs.
func (c *cameraView) resume() {
	if !c.on || c.live != nil || c.closed {
		return
	}
	c.region.Store(new(parseOptions(c.s.ev)))
	ctx, cancel := context.WithCancel(context.Background())
	r := &cameraRun{cancel: cancel}
	c.live = r
	r.wg.Add(1)
	go c.loop(ctx, r, c.dev, c.stopping)
}

// pause stops the running camera, without waiting for it: its goroutines
// end on their own and what they still send is dropped. The next run waits
// for them before it opens the device, which a driver refuses while the
// stream before is still open (a read notices the stop only after up to a
// second).
func (c *cameraView) pause() {
	if c.live != nil {
		c.live.cancel()
		c.stopping, c.live = c.live, nil
	}
}

// close stops the camera for good and waits, for a bounded time, until it
// released the device: the window is closing.
func (c *cameraView) close() {
	c.closed = true
	c.pause()
	r := c.stopping // a run ends only after the one it waited for
	if r == nil {
		return
	}
	ended := make(chan struct{})
	go func() { r.wg.Wait(); close(ended) }()
	select {
	case <-ended:
	case <-time.After(cameraCloseWait):
		fyne.LogError("camera: still streaming when the window closed", nil)
	}
}

// loop is the camera's goroutine: once the run before it (if any) ended,
// it opens the device, shows frames at the preview's pace, hands the latest
// frame to the decoder whenever the decoder is free, and closes the device
// when ctx is done or the camera fails.
func (c *cameraView) loop(ctx context.Context, r *cameraRun, dev cameraDevice, before *cameraRun) {
	defer r.wg.Done()
	if before != nil {
		before.wg.Wait()
	}
	if ctx.Err() != nil {
		return
	}
	src, err := dev.open()
	if err != nil {
		fyne.LogError("camera: open "+dev.name, err)
		c.s.ui.opts.do(func() {
			c.onStopped(r, lang.L("The camera could not be started. Close other programs that use it, then tap Camera again."))
		})
		return
	}
	defer func() {
		if err := src.Close(); err != nil {
			fyne.LogError("camera: close "+dev.name, err)
		}
	}()
	frames := src.Frames(ctx)
	var shown time.Time
	for {
		var img image.Image
		var ok bool
		select {
		case <-ctx.Done():
			return
		case img, ok = <-frames:
		}
		if !ok {
			if ctx.Err() == nil {
				c.s.ui.opts.do(func() {
					c.onStopped(r, lang.L("The camera stopped sending pictures. Check its cable, then tap Camera again."))
				})
			}
			return
		}
		if img == nil {
			continue // an empty frame: nothing to show or read
		}
		if now := c.now(); now.Sub(shown) >= previewInterval && r.pending.CompareAndSwap(false, true) {
			shown = now
			c.s.ui.opts.do(func() { c.show(r, img) })
		}
		if r.decoding.CompareAndSwap(false, true) {
			c.decode(r, img)
		}
	}
}

// decode reads the codes in a frame in the background; a frame with a
// code goes to the UI thread.
func (c *cameraView) decode(r *cameraRun, img image.Image) {
	region := *c.region.Load()
	r.wg.Add(1) // the loop's own count keeps wg above zero here
	c.s.ui.opts.run(func() {
		defer r.wg.Done()
		res, ok := scanFrame(img, region)
		r.decoding.Store(false)
		if ok {
			c.s.ui.opts.do(func() { c.onScan(r, res) })
		}
	})
}

// show puts a frame on the preview.
func (c *cameraView) show(r *cameraRun, img image.Image) {
	r.pending.Store(false)
	if r != c.live {
		return
	}
	c.region.Store(new(parseOptions(c.s.ev)))
	c.preview.Image = img
	c.preview.Refresh()
}

// onStopped turns the camera off after it could not be opened or stopped
// sending frames, and says why.
func (c *cameraView) onStopped(r *cameraRun, msg string) {
	if r != c.live {
		return
	}
	c.turnOff()
	c.s.showStatus(msg, true)
}

// onScan hands a code the camera read to the same path as a photo of it
// or a handheld scanner's payload: a new code while a review or a note
// offer is on show saves that review as it stands and opens the next one
// (see captureScreen.settle). A code still in sight within the cooldown
// of its last hand-over does not open the form again, and the code under
// review never replaces its own review: a card laid down while its form
// is filled in and picked up again changes nothing.
func (c *cameraView) onScan(r *cameraRun, res cameraScan) {
	if r != c.live {
		return
	}
	now := c.now()
	held := res.text == c.last && now.Sub(c.lastSeen) < cameraCooldown
	if res.text == c.last {
		c.lastSeen = now
	}
	s := c.s
	reviewing := !s.idle.Visible()
	if held || !s.main.Visible() || (reviewing && c.onShow && res.text == c.last) {
		return
	}
	c.last, c.lastSeen, c.onShow = res.text, now, true
	if !s.ready() {
		return
	}
	s.showScan(res.scanned, lead.MethodQRScan)
}

// forget is called when a review opens from another path (the scanner, a
// photo, typing in): the camera's last code is no longer the one on show,
// so shown again it opens its review (after the cooldown, if it stayed in
// sight).
func (c *cameraView) forget() { c.onShow = false }

// cameraScan is what the decoder read in a frame: the code it chose and
// what parsing it gave.
type cameraScan struct {
	scanned
	text string
}

// scanFrame decodes the QR codes in a frame and parses them with region
// as the phone region, as a photo is: the first code with a contact wins,
// else the first code. ok is false when the frame holds no code, which is
// what most frames hold. It runs off the UI goroutine.
func scanFrame(img image.Image, region capture.Options) (res cameraScan, ok bool) {
	start := time.Now()
	codes, err := capture.DecodeImage(img)
	if err != nil || len(codes) == 0 {
		return cameraScan{}, false
	}
	took := time.Since(start)
	res.scanned, res.text = parseCodes(codes, region)
	res.took = took
	return res, true
}
