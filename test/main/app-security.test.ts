import { describe, expect, it } from 'vitest'
import { appUrlMatcher, devServerUrl, isAllowedExternal, requestAllowed } from '../../src/main/app-security'
import { unpackedPath } from '../../src/main/paths'

describe('devServerUrl', () => {
  it('honours ELECTRON_RENDERER_URL only in an unpackaged app, and only an http(s) URL', () => {
    expect(devServerUrl(false, 'http://localhost:5173')).toBe('http://localhost:5173/')
    expect(devServerUrl(true, 'http://localhost:5173')).toBeNull()
    expect(devServerUrl(false, undefined)).toBeNull()
    expect(devServerUrl(false, 'javascript:alert(1)')).toBeNull()
    expect(devServerUrl(false, 'not a url')).toBeNull()
  })
})

describe('appUrlMatcher', () => {
  it('with a dev server, accepts its exact origin only', () => {
    const isApp = appUrlMatcher({ devUrl: 'http://localhost:5173/', rendererFile: '/app/out/renderer/index.html' })
    expect(isApp('http://localhost:5173/')).toBe(true)
    expect(isApp('http://localhost:5173/#/runs?x=1')).toBe(true)
    for (const bad of [
      'http://localhost:5173.evil.example/',
      'http://localhost:51730/',
      'https://localhost:5173/',
      'http://localhost:5174/',
      'http://user@localhost.evil:5173/',
      'http://evil.example/http://localhost:5173/',
      'file:///app/out/renderer/index.html',
      '',
      'garbage'
    ]) {
      expect(isApp(bad), bad).toBe(false)
    }
  })

  it('without one, accepts the renderer file itself only', () => {
    const isApp = appUrlMatcher({ devUrl: null, rendererFile: '/app/out/renderer/index.html' })
    expect(isApp('file:///app/out/renderer/index.html')).toBe(true)
    expect(isApp('file:///app/out/renderer/index.html#/stats')).toBe(true)
    for (const bad of [
      'file:///app/out/renderer/index.html.evil',
      'file:///app/out/renderer/other.html',
      'file:///app/out/renderer/index.htmlx/',
      'file://remote-host/app/out/renderer/index.html',
      'http://localhost:5173/'
    ]) {
      expect(isApp(bad), bad).toBe(false)
    }
  })
})

describe('isAllowedExternal', () => {
  it('opens only https links to the allow-listed origins', () => {
    expect(isAllowedExternal('https://arxiv.org/abs/2001.00001')).toBe(true)
    expect(isAllowedExternal('https://github.com/some/repo')).toBe(true)
    for (const bad of [
      'https://evil.example/',
      'http://arxiv.org/abs/1',
      'https://arxiv.org.evil.example/',
      'https://user:pw@github.com/',
      'file:///etc/passwd',
      'smb://host/share',
      'https://github.com:8443/'
    ]) {
      expect(isAllowedExternal(bad), bad).toBe(false)
    }
  })
})

describe('requestAllowed', () => {
  it('lets the app load its own files and exports; cancels remote content', () => {
    expect(requestAllowed('file:///app/out/renderer/assets/index.js', null)).toBe(true)
    expect(requestAllowed('blob:file:///abc', null)).toBe(true)
    expect(requestAllowed('data:image/png;base64,AA', null)).toBe(true)
    expect(requestAllowed('https://cdn.example/x.js', null)).toBe(false)
    expect(requestAllowed('http://localhost:5173/src/main.ts', null)).toBe(false)
  })
  it('in development also the dev server (exact origin) and its hot-reload socket', () => {
    const dev = 'http://localhost:5173/'
    expect(requestAllowed('http://localhost:5173/src/main.ts', dev)).toBe(true)
    expect(requestAllowed('ws://localhost:5173/', dev)).toBe(true)
    expect(requestAllowed('http://localhost:5173.evil.example/x.js', dev)).toBe(false)
    expect(requestAllowed('ws://localhost:5174/', dev)).toBe(false)
  })
})

describe('unpackedPath', () => {
  it('maps a path inside app.asar to its app.asar.unpacked twin, and leaves others alone', () => {
    expect(unpackedPath('/opt/A/resources/app.asar/native/x.node')).toBe('/opt/A/resources/app.asar.unpacked/native/x.node')
    expect(unpackedPath('C:\\A\\resources\\app.asar\\native\\x.node')).toBe('C:\\A\\resources\\app.asar.unpacked\\native\\x.node')
    expect(unpackedPath('/opt/A/resources/app.asar.unpacked/x.node')).toBe('/opt/A/resources/app.asar.unpacked/x.node')
    expect(unpackedPath('/home/u/app.asarx/x.node')).toBe('/home/u/app.asarx/x.node')
    expect(unpackedPath('/home/u/project/native/x.node')).toBe('/home/u/project/native/x.node')
  })
})
