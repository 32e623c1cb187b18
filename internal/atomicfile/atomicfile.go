// Package atomicfile writes outputs that appear whole or not at all.
package atomicfile

import (
	"bufio"
	"os"
	"path/filepath"
	"sync"
)

// File is an output written to a temporary name in the target's
// directory and renamed into place only by Commit: a crash or an
// interrupted run never leaves half a clean file a pipeline could submit.
// Outputs carry patient data: a new file is made 0600, and a file replaced
// keeps its permissions.
type File struct {
	*bufio.Writer
	f      *os.File
	target string
	mode   os.FileMode // the target's permissions when it exists, else 0 (the temporary's 0600 stays)
}

var (
	openMu  sync.Mutex
	openTmp = map[string]bool{} // temporaries to remove on interrupt
)

// Create opens a temporary file beside path.
func Create(path string) (*File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, err
	}
	openMu.Lock()
	openTmp[f.Name()] = true
	openMu.Unlock()
	a := &File{Writer: bufio.NewWriterSize(f, 256<<10), f: f, target: path}
	if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() {
		a.mode = st.Mode().Perm()
	}
	return a, nil
}

func forget(name string) {
	openMu.Lock()
	delete(openTmp, name)
	openMu.Unlock()
}

// Commit flushes, syncs and renames the file into place.
func (a *File) Commit() error {
	name := a.f.Name()
	defer forget(name)
	err := a.Flush()
	if err == nil {
		err = a.f.Sync()
	}
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if err == nil && a.mode != 0 {
		err = os.Chmod(name, a.mode) // the file it replaces keeps its permissions
	}
	if err == nil {
		err = os.Rename(name, a.target)
	}
	if err != nil {
		_ = os.Remove(name) // the error to report is err
	}
	return err
}

// Abort removes the temporary file; the target is left untouched.
func (a *File) Abort() {
	// Best effort: the run is already failing, and a temporary left behind
	// is hidden and named after its target.
	_ = a.f.Close()
	_ = os.Remove(a.f.Name())
	forget(a.f.Name())
}

// RemoveAll deletes every temporary not yet committed; the command calls
// it when interrupted.
func RemoveAll() {
	openMu.Lock()
	defer openMu.Unlock()
	for name := range openTmp {
		_ = os.Remove(name) // best effort, on the way out
		delete(openTmp, name)
	}
}
