// Real-browser tests of `carecount serve --demo` (issue 5): Debian's chromium driven by
// playwright-core, axe-core on every page visited (no serious or critical violation), and
// screenshots of the key pages.
//
// Usage: CARECOUNT_BIN=/path/to/carecount node run.mjs
// Screenshots go to $BROWSER_OUTPUT (default: a carecount-browser folder in the temp directory).

import { execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { chromium } from 'playwright-core'

const require = createRequire(import.meta.url)
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')
const BIN = process.env.CARECOUNT_BIN
const OUTPUT = process.env.BROWSER_OUTPUT || path.join(os.tmpdir(), 'carecount-browser')
const PASSWORD = 'browser-' + randomBytes(8).toString('hex')
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
// An NI number of the real shape (two letters, six digits, A–D): never on a commissioner's page.
const NI_NUMBER = /\b[A-CEGHJ-PR-TW-Z]{2}\d{6}[A-D]\b/

const failures = []
const check = (ok, what) => {
  if (ok) {
    console.log('ok    ' + what)
  } else {
    console.log('FAIL  ' + what)
    failures.push(what)
  }
}

function freePort () {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

function startServer (port) {
  const child = spawn(BIN, ['serve', '--demo', '--bind', `127.0.0.1:${port}`], {
    env: { ...process.env, CARECOUNT_DEMO_PASSWORD: PASSWORD },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  const address = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('serve --demo did not listen within 120 s:\n' + output)), 120000)
    const onData = (data) => {
      output += data.toString()
      // Only a whole line: a chunk may end in the middle of the address.
      const match = output.match(/listening on http:\/\/(\S+)\r?\n/)
      if (match) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`serve exited with ${code}:\n${output}`))
    })
  })
  return { child, address, output: () => output }
}

async function accessible (page, name) {
  await page.addScriptTag({ content: AXE_SOURCE })
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const outcome = await axe.run(document, { resultTypes: ['violations'] })
    return outcome.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help, targets: v.nodes.slice(0, 3).map((n) => String(n.target) + ' ' + (n.failureSummary || '').split('\n').slice(1, 2).join('')) }))
  })
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  for (const v of bad) console.log(`      axe ${v.impact} ${v.id} (${v.nodes} nodes): ${v.help}: ${v.targets.join('; ')}`)
  check(bad.length === 0, `${name}: no serious or critical accessibility violation (axe-core)`)
}

async function shot (page, name) {
  await page.screenshot({ path: path.join(OUTPUT, name + '.png'), fullPage: true })
}

// Clicks and waits for the navigation it starts (registered before the click, so that a fast or
// slow answer is never missed).
async function follow (page, selector) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)])
}

async function newPage (browser, options = {}) {
  const context = await browser.newContext(options)
  context.setDefaultTimeout(90000)
  return context.newPage()
}

async function signIn (page, base, email, password = PASSWORD) {
  await page.goto(base + '/sign-in')
  await page.fill('#email', email)
  await page.fill('#password', password)
  await follow(page, 'button:has-text("Sign in")')
}

async function signOut (page, name) {
  await follow(page, 'button:has-text("Sign out")')
  check(new URL(page.url()).pathname === '/sign-in', `${name}: signing out returns to the sign-in page`)
  const response = await page.goto(new URL('/admin', page.url()).href)
  check(new URL(page.url()).pathname === '/sign-in' && response.ok(), `${name}: after signing out, pages ask to sign in again`)
}

async function employer (browser, base) {
  const page = await newPage(browser)
  await signIn(page, base, 'employer@demo.carecount.test', 'wrong password')
  check(await page.locator('.govuk-error-summary').count() === 1, 'employer: a wrong password shows a GOV.UK error summary')
  await accessible(page, 'sign-in page with an error')
  await shot(page, '01-sign-in-error')

  await signIn(page, base, 'employer@demo.carecount.test')
  check(new URL(page.url()).pathname === '/organisations/demo-care', 'employer: signing in opens the organisation dashboard')
  check(await page.locator('table.govuk-table').count() >= 1, 'employer: the dashboard shows its metrics')
  await accessible(page, 'employer dashboard')
  await shot(page, '02-employer-dashboard')

  await follow(page, 'a.govuk-service-navigation__link:has-text("Staff")')
  const rows = await page.locator('table.govuk-table tbody tr').count()
  check(rows > 0 && rows <= 50, `employer: the staff list shows one page of records (${rows} rows)`)
  await accessible(page, 'staff list')
  await shot(page, '03-staff-list')

  await page.fill('#q', 'zz-no-such-person')
  await follow(page, 'button:has-text("Search")')
  check(await page.locator('table.govuk-table tbody tr').count() === 0, 'employer: a search with no match shows no records')

  await page.goto(base + '/organisations/demo-care/staff')
  await follow(page, 'table.govuk-table tbody tr a.govuk-link >> nth=0')
  check(await page.locator('dt:has-text("NI number")').count() === 1, 'employer: a staff record shows its personal fields to its owner')
  await accessible(page, 'staff record')
  await shot(page, '04-staff-record')

  // Add a staff record with an error, then fix it.
  await page.goto(base + '/organisations/demo-care/staff')
  await follow(page, 'a:has-text("Add a staff record")')
  const workplace = await (async () => {
    await page.goto(base + '/organisations/demo-care/workplaces')
    return (await page.locator('table.govuk-table tbody tr td').first().innerText()).trim()
  })()
  await page.goto(base + '/organisations/demo-care/staff/new')
  await page.fill('#workplace', workplace)
  await page.fill('#worker', 'BROWSER1')
  await page.fill('#display_id', 'Browser Person')
  await page.fill('#contract', '1')
  await follow(page, 'button:has-text("Save")')
  check(await page.locator('.govuk-error-summary a[href="#job_role"]').count() === 1, 'employer: a new record without a job role shows the error beside the field')
  await accessible(page, 'staff form with an error')
  await shot(page, '08-staff-form-error')
  await page.fill('#job_role', '8')
  await follow(page, 'button:has-text("Save")')
  check(new URL(page.url()).pathname === '/organisations/demo-care/staff', 'employer: the fixed record is saved')
  await page.fill('#q', 'BROWSER1')
  await follow(page, 'button:has-text("Search")')
  check(await page.locator('table.govuk-table tbody tr').count() === 1, 'employer: the new record is in the staff list')

  const other = await page.goto(base + '/organisations/demo-other/staff')
  check(other.status() === 403, `employer: another organisation's staff list is forbidden (${other.status()})`)

  await page.goto(base + '/organisations/demo-care')
  await signOut(page, 'employer')
  await page.context().close()
}

async function commissioner (browser, base) {
  const page = await newPage(browser)
  await signIn(page, base, 'commissioner@demo.carecount.test')
  check(new URL(page.url()).pathname === '/areas/E99999999', 'commissioner: signing in opens the area dashboard')
  const text = await page.locator('main').innerText()
  check(text.includes('Headline figures'), 'commissioner: the dashboard shows the headline figures')
  check(!NI_NUMBER.test(await page.content()), 'commissioner: no NI number anywhere on the dashboard')
  await accessible(page, 'area dashboard')
  await shot(page, '05-area-dashboard')

  for (const format of ['json', 'html', 'csv']) {
    const href = await page.locator(`a[href$="/download/${format}"]`).getAttribute('href')
    const response = await page.request.get(new URL(href, base).href)
    const body = await response.text()
    check(response.ok() && body.length > 0, `commissioner: the ${format} download works`)
    check(!NI_NUMBER.test(body), `commissioner: the ${format} download has no NI number`)
  }
  const staff = await page.goto(base + '/organisations/demo-care/staff')
  check(staff.status() === 403, `commissioner: a staff list is forbidden (${staff.status()})`)
  await page.goto(base + '/areas/E99999999')
  await signOut(page, 'commissioner')
  await page.context().close()
}

async function admin (browser, base) {
  const page = await newPage(browser)
  await signIn(page, base, 'admin@demo.carecount.test')
  check(new URL(page.url()).pathname === '/admin', 'admin: signing in opens the organisations page')
  await accessible(page, 'admin organisations')
  await page.goto(base + '/admin/users')
  await accessible(page, 'admin users')
  await page.goto(base + '/admin/audit?action=login')
  const rows = await page.locator('table.govuk-table tbody tr').count()
  check(rows >= 3, `admin: the audit log, filtered by "login", lists the sign-ins (${rows} rows)`)
  await accessible(page, 'audit log')
  await shot(page, '06-audit-log')
  await signOut(page, 'admin')
  await page.context().close()
}

// Bulk upload for a new organisation (as the administrator): a staff file with an error is
// reported and changes nothing; the clean files are checked, then confirmed.
async function bulkUpload (browser, base) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carecount-upload-'))
  execFileSync(BIN, ['generate', '--out', dir, '--workplaces', '2', '--staff', '10', '--seed', '5',
    '--as-of', '2025-03-31'], { stdio: 'ignore' })
  const staff = readFileSync(path.join(dir, 'staff.csv'), 'utf8')
  const broken = path.join(dir, 'broken-staff.csv')
  writeFileSync(broken, staff.split('\n')[0] + '\nWP00001,W0001,NEW\n')

  const page = await newPage(browser)
  await signIn(page, base, 'admin@demo.carecount.test')
  await page.goto(base + '/organisations/browser-upload/upload')
  await page.fill('#as_of', '2025-03-31')
  await page.setInputFiles('#workplace', path.join(dir, 'workplace.csv'))
  await page.setInputFiles('#staff', broken)
  await follow(page, 'button:has-text("Check the files")')
  check(await page.locator('.govuk-error-summary').count() === 1, 'upload: a staff file with errors shows an error summary')
  check(await page.locator('button:has-text("Confirm and save")').count() === 0, 'upload: an upload with errors cannot be confirmed')
  await accessible(page, 'upload report with errors')
  await shot(page, '07-upload-errors')

  await page.goto(base + '/organisations/browser-upload/upload')
  await page.fill('#as_of', '2025-03-31')
  await page.setInputFiles('#workplace', path.join(dir, 'workplace.csv'))
  await page.setInputFiles('#staff', path.join(dir, 'staff.csv'))
  await page.setInputFiles('#training', path.join(dir, 'training.csv'))
  await follow(page, 'button:has-text("Check the files")')
  check((await page.locator('main').innerText()).includes('What will change'), 'upload: clean files show what will change')
  await accessible(page, 'upload report')
  await follow(page, 'button:has-text("Confirm and save")')
  check((await page.locator('h1').innerText()).includes('Upload saved'), 'upload: confirming saves a new snapshot')
  await follow(page, 'a:has-text("See your staff records")')
  const rows = await page.locator('table.govuk-table tbody tr').count()
  check(rows === 10, `upload: the new organisation's staff list shows its 10 records (${rows})`)
  await signOut(page, 'upload')
  await page.context().close()
  rmSync(dir, { recursive: true, force: true })
}

async function withoutJavaScript (browser, base) {
  const page = await newPage(browser, { javaScriptEnabled: false })
  const context = page.context()
  await signIn(page, base, 'employer2@demo.carecount.test')
  check(new URL(page.url()).pathname === '/organisations/demo-other', 'without JavaScript: signing in works')
  await follow(page, 'a.govuk-service-navigation__link:has-text("Staff")')
  check(await page.locator('table.govuk-table').count() === 1, 'without JavaScript: the staff list works')
  await signOut(page, 'without JavaScript')
  await context.close()
}

// Administrator's organisations and areas pages (issue 5, "Admin pages"): the organisations
// list and one organisation, the areas list, a form error, then assigning a commissioner to an
// area and unassigning it again (so that the demo accounts are left as they were).
async function adminOrganisationsAndAreas (browser, base) {
  const page = await newPage(browser)
  await signIn(page, base, 'admin@demo.carecount.test')
  await follow(page, 'a.govuk-service-navigation__link:has-text("Organisations")')
  check(new URL(page.url()).pathname === '/admin/organisations', 'admin: the Organisations link opens the organisations list')
  const demoCare = page.locator('table.govuk-table tbody tr', { has: page.locator('a:text-is("demo-care")') })
  check(await demoCare.count() === 1, 'admin: the organisations list has demo-care')
  check((await demoCare.innerText()).includes('employer@demo.carecount.test'), 'admin: demo-care lists its employer user')
  await accessible(page, 'admin organisations list')
  await shot(page, '09-admin-organisations')

  await follow(page, 'a:text-is("demo-care")')
  check((await page.locator('h1').innerText()).includes('demo-care'), 'admin: an organisation opens with its workplaces')
  check(await page.locator('table.govuk-table').count() >= 1, 'admin: the organisation page has its workplaces table')
  await accessible(page, 'admin organisation')

  await follow(page, 'a.govuk-service-navigation__link:has-text("Areas")')
  const demoArea = page.locator('table.govuk-table tbody tr', { hasText: 'E99999999' })
  check((await demoArea.innerText()).includes('commissioner@demo.carecount.test'), 'admin: the demo area lists its commissioner')
  await accessible(page, 'admin areas')
  await shot(page, '10-admin-areas')

  await follow(page, 'button:has-text("Save")')
  check(await page.locator('.govuk-error-summary a[href="#commissioner"]').count() === 1, 'admin: an empty area form shows a GOV.UK error summary')
  await accessible(page, 'admin areas with an error')

  await page.selectOption('#commissioner', { label: 'commissioner@demo.carecount.test' })
  await page.fill('#area', 'Rotherham')
  await page.check('#action')
  await follow(page, 'button:has-text("Save")')
  check((await page.locator('.govuk-notification-banner').innerText()).includes('is now assigned to commissioner@demo.carecount.test'), 'admin: assigning an area to a commissioner is confirmed')
  const rotherham = page.locator('table.govuk-table tbody tr', { hasText: 'E08000018' })
  check((await rotherham.innerText()).includes('commissioner@demo.carecount.test'), 'admin: the assigned area lists the commissioner')
  await accessible(page, 'admin areas after assigning')
  await shot(page, '11-admin-area-assigned')

  await page.selectOption('#commissioner', { label: 'commissioner@demo.carecount.test' })
  await page.fill('#area', 'E08000018')
  await page.check('#action-2')
  await follow(page, 'button:has-text("Save")')
  check((await page.locator('.govuk-notification-banner').innerText()).includes('no longer assigned'), 'admin: unassigning the area is confirmed')
  await signOut(page, 'admin areas')
  await page.context().close()
}

// Training compliance (issue 8, "Done when"): the registered manager opens the training matrix,
// sees status words, opens a nurse whose NMC registration has expired, adds the renewal and
// sees it valid, visits the alerts and requirements pages, and exports the matrix.
function isoDate (date) {
  return date.toISOString().slice(0, 10)
}

async function trainingMatrix (browser, base) {
  const page = await newPage(browser)
  await signIn(page, base, 'employer@demo.carecount.test')
  await follow(page, 'a.govuk-service-navigation__link:has-text("Training")')
  check(new URL(page.url()).pathname === '/organisations/demo-care/training', 'training: the Training link opens the training matrix')
  const tags = await page.locator('table.govuk-table tbody strong.govuk-tag').allInnerTexts()
  const words = /^(Valid|Expires|Expired|Missing|Due by|Not yet due|Exempt)/
  check(tags.length > 0 && tags.every((text) => words.test(text.trim())), `training: every matrix cell says its status in words (${tags.length} cells)`)
  check(tags.some((text) => /^(Expired|Missing)/.test(text.trim())), 'training: the matrix shows who is expired or missing')
  await accessible(page, 'training matrix')
  await shot(page, '20-training-matrix')

  // Exports of the whole view.
  const csvHref = await page.locator('a:has-text("Download this view (CSV)")').getAttribute('href')
  const csv = await page.request.get(new URL(csvHref, base).href)
  check(csv.ok() && (await csv.text()).startsWith('localestid,uniqueworkerid,displayid,mainjobrole,startdate,status,'), 'training: the matrix CSV downloads with the spec columns')
  const xlsxHref = await page.locator('a:has-text("Download this view (XLSX)")').getAttribute('href')
  const xlsx = await page.request.get(new URL(xlsxHref, base).href)
  const workbook = await xlsx.body()
  check(xlsx.ok() && (xlsx.headers()['content-type'] || '').includes('spreadsheetml') && workbook.subarray(0, 2).toString() === 'PK', 'training: the matrix XLSX downloads')

  // Filter to expired NMC registrations, without JavaScript-only controls: a GET form.
  await page.selectOption('#topic', 'nmc_registration')
  await page.selectOption('#status', 'expired')
  await follow(page, 'button:has-text("Apply filters")')
  const expired = page.locator('table.govuk-table tbody strong.govuk-tag', { hasText: 'Expired' })
  check(await expired.count() > 0, 'training: filtering shows expired NMC registrations')
  await follow(page, 'table.govuk-table tbody th a.govuk-link >> nth=0')
  check((await page.locator('h1').innerText()).startsWith('Training record of'), 'training: a staff record opens its training page')
  const nmc = page.locator('table.govuk-table tbody tr', { hasText: 'NMC' })
  check((await nmc.first().innerText()).includes('Expired'), 'training: the nurse\'s NMC registration shows as expired')
  await accessible(page, 'staff training record')
  await shot(page, '21-staff-training')

  // A renewal: registered a week ago, to a year ahead.
  const today = new Date()
  const completed = isoDate(new Date(today.getTime() - 7 * 86400000))
  const expires = isoDate(new Date(today.getTime() + 365 * 86400000))
  await page.selectOption('#topic', 'nmc_registration')
  await page.fill('#completed', completed)
  await page.fill('#expires', 'not a date')
  await follow(page, 'button:has-text("Add record")')
  check(await page.locator('.govuk-error-summary').count() === 1, 'training: a bad expiry date shows a GOV.UK error summary')
  await accessible(page, 'staff training record with an error')
  await page.fill('#expires', expires)
  await page.fill('#number', '12A3456E')
  await follow(page, 'button:has-text("Add record")')
  check(await page.locator('.govuk-error-summary').count() === 0, 'training: the fixed renewal is saved')
  const renewed = await page.locator('table.govuk-table tbody tr', { hasText: 'NMC' }).first().innerText()
  check(renewed.includes('Valid to'), `training: the renewed NMC registration shows as valid (${renewed.split('\n')[1] || renewed})`)
  await shot(page, '22-staff-training-renewed')

  await page.goto(base + '/organisations/demo-care/training')
  await follow(page, 'a:has-text("Training alerts")')
  check((await page.locator('h1').innerText()).includes('Training alerts'), 'training: the alerts page opens from the matrix')
  await accessible(page, 'training alerts')
  await shot(page, '23-training-alerts')
  const icsHref = await page.locator('a:has-text("iCalendar")').getAttribute('href')
  const ics = await page.request.get(new URL(icsHref, base).href)
  check(ics.ok() && (await ics.text()).startsWith('BEGIN:VCALENDAR\r\n'), 'training: the alerts calendar downloads')

  await page.goto(base + '/organisations/demo-care/training')
  await follow(page, 'a:has-text("Training requirements")')
  check((await page.locator('main').innerText()).includes('R05'), 'training: the requirements page lists the profile rows')
  await accessible(page, 'training requirements')
  await shot(page, '24-training-requirements')
  await signOut(page, 'training')
  await page.context().close()
}

// The commissioner's training needs analysis and area compliance, and the TNA workbook.
async function trainingNeeds (browser, base) {
  const page = await newPage(browser)
  await signIn(page, base, 'commissioner@demo.carecount.test')
  await page.goto(base + '/areas/E99999999/training-needs')
  check((await page.locator('h1').innerText()).startsWith('Training needs of'), 'training needs: the page opens for the commissioner')
  check(await page.locator('table.govuk-table tbody tr').count() > 1, 'training needs: places and cost by topic are listed')
  check(!NI_NUMBER.test(await page.content()), 'training needs: no NI number on the page')
  await accessible(page, 'training needs')
  await shot(page, '25-training-needs')

  const xlsxHref = await page.locator('a:has-text("(Excel)")').getAttribute('href')
  const xlsx = await page.request.get(new URL(xlsxHref, base).href)
  const workbook = await xlsx.body()
  check(xlsx.ok() && (xlsx.headers()['content-disposition'] || '').includes('training-needs.xlsx') && workbook.subarray(0, 2).toString() === 'PK', 'training needs: the costed TNA downloads as XLSX')

  await follow(page, 'a:has-text("Training compliance in this area")')
  check(new URL(page.url()).pathname === '/areas/E99999999/compliance', 'area compliance: the page opens from the training needs page')
  const text = await page.locator('main').innerText()
  check(text.includes('England rate') && text.includes('Region rate'), 'area compliance: rates stand beside region and England')
  check(!NI_NUMBER.test(await page.content()), 'area compliance: no NI number on the page')
  await accessible(page, 'area compliance')
  await shot(page, '26-area-compliance')
  await signOut(page, 'training needs')
  await page.context().close()
}

async function main () {
  if (!BIN) {
    console.error('run.mjs: set CARECOUNT_BIN to the carecount binary')
    process.exit(2)
  }
  mkdirSync(OUTPUT, { recursive: true })
  const port = await freePort()
  const server = startServer(port)
  let browser
  try {
    const started = Date.now()
    const address = await server.address
    console.log(`serve --demo listening on ${address} after ${((Date.now() - started) / 1000).toFixed(1)} s`)
    check(server.output().includes('employer@demo.carecount.test'), 'serve --demo prints the demo accounts')
    const base = 'http://' + address
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--no-first-run']
    })
    await employer(browser, base)
    await commissioner(browser, base)
    await admin(browser, base)
    await adminOrganisationsAndAreas(browser, base)
    await bulkUpload(browser, base)
    await withoutJavaScript(browser, base)
    await trainingMatrix(browser, base)
    await trainingNeeds(browser, base)
  } catch (error) {
    failures.push(String(error && error.stack ? error.stack : error))
    console.log('FAIL  ' + error)
  } finally {
    if (browser) await browser.close()
    server.child.kill('SIGTERM')
  }
  console.log(`screenshots in ${OUTPUT}`)
  if (failures.length > 0) {
    console.log(`browser tests: ${failures.length} failed`)
    process.exit(1)
  }
  console.log('browser tests: all passed')
}

await main()
