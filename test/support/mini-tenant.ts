// A small, hand-written tenant for focused tests of the client and simulator: `jobs`
// completed jobs, each with an invoice, notes and an appointment. Not realistic data; the
// synthetic generator (apps/st-sim/src/generator) is for that.
import type { TenantFixture } from '@invoicer/servicetitan';

export const MINI_TENANT_ID = 4242;

export function miniTenant(jobs = 120): TenantFixture {
  const at = (day: number, hour = 10) =>
    new Date(Date.UTC(2026, 0, 1 + day, hour, 0, 0)).toISOString().replace('.000Z', '.1234567Z');
  const fixture: TenantFixture = {
    meta: { tenantId: MINI_TENANT_ID, name: 'Mini HVAC', timezone: 'America/Chicago', synthetic: true },
    'jpm/jobs': [],
    'jpm/job-types': [{ id: 1, name: 'AC Repair', businessUnitIds: [10], active: true }],
    'jpm/job-notes': [],
    'jpm/appointments': [],
    'dispatch/appointment-assignments': [],
    'payroll/job-timesheets': [],
    'payroll/gross-pay-items': [],
    'settings/technicians': [{ id: 7, name: 'Dana Tech', hourlyRate: 40, burdenRate: 12, active: true }],
    'settings/business-units': [{ id: 10, name: 'HVAC Service', active: true }],
    'pricebook/services': [
      {
        id: 501,
        code: 'HV-DIAG',
        displayName: 'Diagnostic',
        price: 89,
        memberPrice: 0,
        taxable: false,
        active: true,
      },
    ],
    'pricebook/materials': [
      {
        id: 601,
        code: 'CAP-45-5',
        displayName: 'Capacitor 45/5 MFD',
        price: 145,
        memberPrice: 130,
        taxable: true,
        active: true,
      },
    ],
    'pricebook/equipment': [],
    'pricebook/discounts-and-fees': [
      {
        id: 701,
        type: 'Fee',
        code: 'TRIP',
        displayName: 'Trip Charge',
        amountType: 'Fixed',
        amount: 59,
        taxable: false,
        active: true,
      },
    ],
    'pricebook/categories': [],
    'crm/customers': [{ id: 100, name: 'Pat Customer', type: 'Residential', active: true }],
    'crm/locations': [
      { id: 200, customerId: 100, name: 'Home', taxZoneId: 1, taxExempt: false, active: true },
    ],
    'memberships/memberships': [],
    'accounting/tax-zones': [
      {
        id: 1,
        name: 'Springfield',
        rates: [{ taxName: 'State', taxBaseType: ['Subtotal'], taxRate: 0.0625 }],
        active: true,
      },
    ],
    'accounting/invoices': [],
    'accounting/payments': [],
    'accounting/payment-types': [{ id: 1, name: 'Check' }],
    'forms/job-attachments': [],
  };
  for (let i = 1; i <= jobs; i++) {
    const jobId = 1000 + i;
    const invoiceId = 5000 + i;
    fixture['jpm/jobs'].push({
      id: jobId,
      jobNumber: String(jobId),
      customerId: 100,
      locationId: 200,
      jobStatus: 'Completed',
      completedOn: at(i, 15),
      businessUnitId: 10,
      jobTypeId: 1,
      invoiceId,
      createdOn: at(i, 8),
      modifiedOn: at(i, 15),
      summary: '<p>No cooling</p>',
    });
    fixture['jpm/appointments'].push({
      id: 3000 + i,
      jobId,
      start: at(i, 9),
      end: at(i, 11),
      status: 'Done',
    });
    fixture['jpm/job-notes'].push({
      id: 9000 + i,
      jobId,
      text: `repl 45/5 cap, job ${jobId}`,
      createdOn: at(i, 14),
    });
    fixture['accounting/invoices'].push({
      id: invoiceId,
      syncStatus: 'Pending',
      referenceNumber: `INV-${invoiceId}`,
      subTotal: '145.00',
      salesTax: '9.06',
      total: '154.06',
      balance: '154.06',
      customer: { id: 100, name: 'Pat Customer' },
      location: { id: 200, name: 'Home' },
      businessUnit: { id: 10, name: 'HVAC Service' },
      job: { id: jobId, number: String(jobId), type: 'AC Repair' },
      reviewStatus: 'NeedsReview',
      createdOn: at(i, 8),
      modifiedOn: at(i, 15),
      items: [
        {
          id: 70000 + i,
          description: 'Capacitor 45/5 MFD',
          quantity: '1.00',
          price: '145.00',
          total: '145.00',
          type: 'Material',
          skuId: 601,
          skuName: 'CAP-45-5',
          taxable: true,
          createdOn: at(i, 13),
        },
      ],
    });
  }
  return fixture;
}
