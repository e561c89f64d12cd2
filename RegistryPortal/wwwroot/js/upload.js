// Register Model's files: chosen with the file or folder picker or dropped on the drop zone (files and whole folders),
// listed by .NET (path, size) and removable; then streamed to /uploads/{id}/{path} one by one with XMLHttpRequest,
// which reports upload progress. .NET hears about the list, progress, completion and failure through the
// DotNetObjectReference. A chosen or dropped folder is the model: paths are inside it (MLmodel at the top).
window.registryUpload = {
  current: null,
  chosen: {}, // uploadId → [{ file, path }]

  attach(zoneId, filesInputId, folderInputId, uploadId, dotnet) {
    const zone = document.getElementById(zoneId);
    if (!zone || zone.dataset.attached) return;
    zone.dataset.attached = 'true';
    const list = () => (this.chosen[uploadId] ??= []);
    const changed = () => dotnet.invokeMethodAsync('OnFilesChanged', list().map(c => ({ path: c.path, size: c.file.size })));
    const add = (entries) => {
      const byPath = new Map(list().map(c => [c.path, c]));
      for (const e of entries) byPath.set(e.path, e); // the same path chosen again replaces the earlier file
      this.chosen[uploadId] = [...byPath.values()];
      changed();
    };
    const fromInput = (input, insideFolder) => () => {
      add(Array.from(input.files, f => ({ file: f, path: insideFolder ? stripTop(f.webkitRelativePath || f.name) : f.name })));
      input.value = ''; // choosing the same file again fires change again
    };
    const filesInput = document.getElementById(filesInputId), folderInput = document.getElementById(folderInputId);
    filesInput?.addEventListener('change', fromInput(filesInput, false));
    folderInput?.addEventListener('change', fromInput(folderInput, true));
    // Files chosen before these listeners were attached (a quick hand, a slow circuit) still count.
    if (filesInput?.files.length) fromInput(filesInput, false)();
    if (folderInput?.files.length) fromInput(folderInput, true)();
    zone.addEventListener('dragover', e => { e.preventDefault(); zone.classList.add('drop-zone-over'); });
    zone.addEventListener('dragleave', () => zone.classList.remove('drop-zone-over'));
    zone.addEventListener('drop', async e => {
      e.preventDefault();
      zone.classList.remove('drop-zone-over');
      const items = Array.from(e.dataTransfer.items ?? []).map(i => i.webkitGetAsEntry?.()).filter(Boolean);
      if (items.length === 0) { add(Array.from(e.dataTransfer.files, f => ({ file: f, path: f.name }))); return; }
      const lone = items.length === 1 && items[0].isDirectory;
      const found = await Promise.all(items.map(entry => lone ? readFolder(entry, '') : read(entry, '')));
      add(found.flat());
    });
    changed();
  },

  remove(uploadId, path) {
    this.chosen[uploadId] = (this.chosen[uploadId] ?? []).filter(c => c.path !== path);
    return this.chosen[uploadId].map(c => ({ path: c.path, size: c.file.size }));
  },

  forget(uploadId) { delete this.chosen[uploadId]; },

  start(uploadId, dotnet) {
    const files = this.chosen[uploadId] ?? [];
    const total = files.reduce((sum, c) => sum + c.file.size, 0);
    const state = { xhr: null, cancelled: false };
    this.current = state;
    let done = 0;
    const next = (i) => {
      if (state.cancelled) return;
      if (i === files.length) { dotnet.invokeMethodAsync('OnUploadComplete', total); return; }
      const { file, path } = files[i];
      const xhr = new XMLHttpRequest();
      state.xhr = xhr;
      xhr.open('PUT', `uploads/${uploadId}/${path.split('/').map(encodeURIComponent).join('/')}`);
      xhr.setRequestHeader('X-Registry-Upload', '1');
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.upload.onprogress = (e) => dotnet.invokeMethodAsync('OnUploadProgress', done + e.loaded, total);
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) { done += file.size; next(i + 1); }
        else dotnet.invokeMethodAsync('OnUploadFailed', `${path}: ${xhr.responseText || xhr.statusText}`);
      };
      xhr.onerror = () => dotnet.invokeMethodAsync('OnUploadFailed', `${path}: the connection failed`);
      xhr.send(file);
    };
    dotnet.invokeMethodAsync('OnUploadProgress', 0, total);
    next(0);
  },

  async cancel(uploadId) {
    const state = this.current;
    if (state) { state.cancelled = true; state.xhr?.abort(); }
    await fetch(`uploads/${uploadId}`, { method: 'DELETE', headers: { 'X-Registry-Upload': '1' } });
  },
};

/** "model/data/x.bin" → "data/x.bin": the picked folder's own name is not part of the model's paths. */
function stripTop(path) {
  const slash = path.indexOf('/');
  return slash < 0 ? path : path.slice(slash + 1);
}

/** A dropped file, or a dropped folder's files under its name. */
async function read(entry, prefix) {
  if (entry.isFile) return [{ file: await new Promise((ok, fail) => entry.file(ok, fail)), path: prefix + entry.name }];
  return readFolder(entry, prefix + entry.name + '/');
}

/** Every file inside a dropped folder, with paths below it; readEntries answers in batches until an empty one. */
async function readFolder(folder, prefix) {
  const reader = folder.createReader();
  const entries = [];
  for (let batch; (batch = await new Promise((ok, fail) => reader.readEntries(ok, fail))).length;) entries.push(...batch);
  return (await Promise.all(entries.map(e => read(e, prefix)))).flat();
}
