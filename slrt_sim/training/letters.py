"""The referral letter (*surat rujukan*) the back office issues, as printable HTML.

Written in Indonesian whatever the app's language (it is an official letter); the reasons
are the programme rules' own sentences (:meth:`slrt_sim.domain.programs.Verdict.explain`) on
the profile the back office decided with (:func:`slrt_sim.training.back_office.effective_profile`).
"""
from __future__ import annotations

import datetime as dt
import html

from slrt_sim.domain import programs
from slrt_sim.i18n import fmt_date, has, t
from slrt_sim.training.back_office import Queue, effective_profile

_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def date_id(d: dt.date) -> str:
    return fmt_date(d, "id")  # "17 Agustus 2026"


def letter_number(seq: int, d: dt.date, class_code: str) -> str:
    return f"460/{seq:03d}/SLRT-{html.escape(class_code)}/{_ROMAN[d.month - 1]}/{d.year}"


LETTER_CSS = """
.slrt-letter{box-sizing:border-box;font-family:'DejaVu Serif',Georgia,'Times New Roman',serif;color:#000;background:#fff;
 max-width:180mm;margin:0 auto;padding:12mm 14mm;border:1px solid #ccc;line-height:1.45;font-size:11.5pt}
.slrt-letter .kop{display:flex;align-items:center;gap:12px;border-bottom:3px double #000;padding-bottom:6px}
.slrt-letter .kop .logo{width:56px;height:56px;border:2px solid #000;border-radius:50%;display:flex;
 align-items:center;justify-content:center;font-weight:bold;font-size:10pt}
.slrt-letter .kop .text{flex:1;text-align:center}
.slrt-letter .kop .l1{font-size:13pt;font-weight:bold;letter-spacing:.5px}
.slrt-letter .kop .l2{font-size:16pt;font-weight:bold}
.slrt-letter .kop .l3{font-size:9.5pt}
.slrt-letter table.meta td{padding:0 6px 0 0;vertical-align:top}
.slrt-letter table.hh td{padding:1px 6px 1px 0;vertical-align:top}
.slrt-letter .sign{margin-top:18px;margin-left:55%;text-align:left}
.slrt-letter .synthetic{font-size:8.5pt;color:#555;margin-top:14px;border-top:1px dashed #999;padding-top:4px}
@media print{
 @page{size:A4;margin:15mm}
 html,body{margin:0 !important;padding:0 !important;height:auto !important;overflow:visible !important;
  background:#fff !important}
 body :not(.slrt-letter):not(.slrt-letter *):not(:has(.slrt-letter)){display:none !important}
 body :has(.slrt-letter){display:block !important;position:static !important;overflow:visible !important;
  height:auto !important;min-height:0 !important;max-height:none !important;width:auto !important;
  max-width:none !important;margin:0 !important;padding:0 !important;border:0 !important;box-shadow:none !important;
  transform:none !important;background:#fff !important}
 .slrt-letter{border:none;margin:0;max-width:none;width:auto;padding:0;font-size:11pt;break-inside:avoid}
 .slrt-noprint{display:none !important}
}
"""


def letter_html(queue: Queue, case_id: str, program: str, seq: int = 1, date: dt.date | None = None,
                reasons: list[str] | None = None, standalone: bool = False) -> str:
    """The referral letter (surat rujukan), in Indonesian, as an HTML fragment (or a whole page)."""
    d = date or dt.date.today()
    c = queue.case(case_id)
    e = html.escape
    district = queue.district_title
    gov = ("PEMERINTAH " + district).upper()
    prof = effective_profile(c)
    if reasons is None:
        reasons = programs.check(program, prof).explain("id")
    needs = ", ".join(t(f"need.{n}", lang="id") for n in c.needs)
    reason_html = "".join(f"<li>{e(r)}</li>" for r in reasons)
    pname = t(f"prog.{program}.name", lang="id")
    what = t(f"prog.{program}.what", lang="id") if has(f"prog.{program}.what") else ""
    body = f"""<div class="slrt-letter" lang="id" data-case="{e(case_id)}" data-program="{e(program)}">
<div class="kop"><div class="logo">DINSOS</div><div class="text">
<div class="l1">{e(gov)}</div><div class="l2">DINAS SOSIAL</div>
<div class="l3">Sekretariat Sistem Layanan dan Rujukan Terpadu (SLRT) · {e(district)}, {e(queue.province)}</div>
</div></div>
<table class="meta" style="margin-top:10px"><tr><td>Nomor</td><td>:</td><td>{letter_number(seq, d, queue.class_code)}</td></tr>
<tr><td>Lampiran</td><td>:</td><td>1 (satu) berkas</td></tr>
<tr><td>Perihal</td><td>:</td><td><b>Surat Rujukan {e(pname)}</b></td></tr></table>
<p style="text-align:right">{e(district)}, {date_id(d)}</p>
<p>Kepada Yth.<br>Pengelola Program {e(pname)}<br>di tempat</p>
<p>Dengan hormat, berdasarkan hasil pemeriksaan data terpadu (DTKS) dan penilaian kebutuhan oleh
Sekretariat SLRT, bersama ini kami merujuk rumah tangga berikut:</p>
<table class="hh">
<tr><td>Nama kepala keluarga</td><td>:</td><td><b>{e(c.head_name)}</b></td></tr>
<tr><td>NIK</td><td>:</td><td>{e(c.members[0]['nik'])}</td></tr>
<tr><td>Nomor KK</td><td>:</td><td>{e(c.registration['kk'] or '-')}</td></tr>
<tr><td>Alamat</td><td>:</td><td>{e(c.registration['address'])}</td></tr>
<tr><td>Jumlah anggota</td><td>:</td><td>{len(c.members)} orang</td></tr>
<tr><td>Kebutuhan</td><td>:</td><td>{e(needs)}</td></tr>
<tr><td>Program rujukan</td><td>:</td><td><b>{e(pname)}</b>{(' — ' + e(what)) if what else ''}</td></tr>
<tr><td>Nomor registrasi</td><td>:</td><td>{e(queue.class_code)}-{e(case_id)}</td></tr>
</table>
<p>Alasan rujukan:</p><ol>{reason_html}</ol>
<p>Mohon rumah tangga tersebut dapat dilayani sesuai ketentuan program. Hasil layanan mohon
diinformasikan kembali kepada Sekretariat SLRT untuk tindak lanjut dan pemutakhiran data.</p>
<div class="sign">Manajer SLRT / a.n. Kepala Dinas Sosial<br>{e(district)}<br><br><br><br>
(................................................)</div>
<div class="synthetic">Dokumen latihan (bimtek SLRT) — data sintetis, bukan surat resmi.</div>
</div>"""
    if not standalone:
        return body
    return (f"<!DOCTYPE html><html lang=\"id\"><head><meta charset=\"utf-8\"><title>Surat Rujukan {e(case_id)}"
            f"</title><style>{LETTER_CSS}</style></head><body>{body}</body></html>")
