#!/usr/bin/env python3
"""Browser walk-through of instrument sharing in headless Chromium: an enterprise searches in Chinese, opens an
instrument, books a weekday slot through the form and finds it under 我的预约; the owning institution sees it on its
management page; a reviewer opens the evaluation and the compliance list. Screenshots go to OUT_DIR.

    python3 Tests/browser/instruments.py http://127.0.0.1:8080 OUT_DIR
Ends with the line `browser-instruments: N passed, N failed`.
"""
import datetime
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from session import Session

s = Session(sys.argv[1], sys.argv[2])


# The next weekday at least two days ahead (Beijing time): inside the demo instruments' opening hours.
day = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date() + datetime.timedelta(days=2)
while day.weekday() >= 5:
    day += datetime.timedelta(days=1)

try:
    s.sign_in("enterprise")
    s.get("/instruments?q=%E6%89%AB%E6%8F%8F%E7%94%B5%E9%95%9C")  # 扫描电镜
    rows = s.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    s.check("search 扫描电镜 ranks the field-emission SEM first", rows and "场发射扫描电子显微镜" in rows[0].text, s.text())
    s.shot("i1-search.png")

    s.get("/instruments?q=XRD%20%E8%A1%8D%E5%B0%84")  # XRD 衍射
    s.driver.find_element(By.LINK_TEXT, "X射线衍射仪").click()
    s.wait.until(EC.presence_of_element_located((By.ID, "book")))
    body = s.text()
    s.check("instrument page shows specifications, fees, rules, the engine's verdict and the week",
          "D8 ADVANCE" in body and "¥400.00" in body and "第二十二条" in body and "北京时间" in body, body)
    s.driver.execute_script(f"document.getElementById('date').value = '{day.isoformat()}'")
    s.driver.execute_script("document.getElementById('start').value = '09:00'; document.getElementById('end').value = '11:00'")
    s.driver.find_element(By.ID, "note").send_keys("催化剂物相分析")
    s.shot("i2-instrument.png")
    s.driver.find_element(By.CSS_SELECTOR, "form[action$='/book'] button[type=submit]").click()
    s.wait.until(EC.url_contains("/bookings"))
    body = s.text()
    s.check("the booking is confirmed under 我的预约 with its fee frozen", "已确认" in body and "¥800.00" in body and "X射线衍射仪" in body, body)
    s.shot("i3-bookings.png")

    s.sign_in("institution")
    s.get("/instruments?q=X%E5%B0%84%E7%BA%BF")
    s.driver.find_element(By.LINK_TEXT, "X射线衍射仪").click()
    s.driver.find_element(By.LINK_TEXT, "预约与使用管理").click()
    body = s.text()
    s.check("the owning unit sees the booking on its management page", "催化剂物相分析" not in body and "enterprise" in body and "登记使用记录" in body, body)
    s.shot("i4-manage.png")
    s.driver.find_element(By.LINK_TEXT, "全部使用记录").click()
    s.shows("合计")
    s.driver.execute_script("document.getElementById('side').value = 'external'")
    s.driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    s.wait.until(EC.url_contains("side=external"))
    body = s.text()
    rows = [r.text for r in s.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")]
    csv = s.driver.find_element(By.LINK_TEXT, "CSV").get_attribute("href")
    s.check("the usage log filters the half-year history to external users, with totals and a CSV link that keeps the filter",
            "合计" in body and rows and all("单位外" in r for r in rows) and "side=external" in csv and "format=csv" in csv, body)
    s.shot("i4b-usage-log.png")

    s.sign_in("reviewer")
    s.get("/instruments/evaluation")
    body = s.text()
    s.check("evaluation page lists the indicator system and the units", "机时利用率" in body and "鄂尔多斯实验室" in body, body)
    s.shot("i5-evaluation.png")
    s.get("/admin/instruments/compliance")
    body = s.text()
    s.check("compliance list names the internal-only ICP-MS with the engine's reasons", "电感耦合等离子体质谱仪" in body and "instrument_value" in body, body)
    s.shot("i6-compliance.png")
    s.driver.execute_script("document.getElementById('problem').value = 'not_active'")
    s.driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    s.wait.until(EC.url_contains("problem=not_active"))
    s.check("filtered to instruments out of order, the working ICP-MS drops out", "电感耦合等离子体质谱仪" not in s.text(), s.text())
except Exception as e:  # a crash is a failure with its reason
    s.finish("browser-instruments", e)
s.finish("browser-instruments")
