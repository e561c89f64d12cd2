// Streams the chosen files to /uploads/{id}/{path} one by one with XMLHttpRequest, which reports upload
// progress; .NET hears about progress, completion and failure through the DotNetObjectReference.
window.registryUpload = {
  current: null,

  start(inputId, uploadId, dotnet) {
    const files = Array.from(document.getElementById(inputId)?.files ?? []);
    const total = files.reduce((sum, f) => sum + f.size, 0);
    const state = { xhr: null, cancelled: false };
    this.current = state;
    let done = 0;
    const next = (i) => {
      if (state.cancelled) return;
      if (i === files.length) { dotnet.invokeMethodAsync('OnUploadComplete', total); return; }
      const file = files[i];
      const path = (file.webkitRelativePath || file.name).split('/').map(encodeURIComponent).join('/');
      const xhr = new XMLHttpRequest();
      state.xhr = xhr;
      xhr.open('PUT', `uploads/${uploadId}/${path}`);
      xhr.setRequestHeader('X-Registry-Upload', '1');
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.upload.onprogress = (e) => dotnet.invokeMethodAsync('OnUploadProgress', done + e.loaded, total);
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) { done += file.size; next(i + 1); }
        else dotnet.invokeMethodAsync('OnUploadFailed', `${file.name}: ${xhr.responseText || xhr.statusText}`);
      };
      xhr.onerror = () => dotnet.invokeMethodAsync('OnUploadFailed', `${file.name}: the connection failed`);
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

  describe(inputId) {
    const files = Array.from(document.getElementById(inputId)?.files ?? []);
    return { count: files.length, bytes: files.reduce((sum, f) => sum + f.size, 0) };
  },
};
