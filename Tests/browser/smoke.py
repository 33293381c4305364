#!/usr/bin/env python3
"""Browser smoke test: a real headless Chromium opens the home page, signs in through the form and reads
article 7, checking the rendered DOM text and saving a screenshot of each page.

    python3 Tests/browser/smoke.py http://127.0.0.1:8080 OUT_DIR
Needs Debian's chromium and chromium-driver, a CJK font (fonts-wqy-microhei) and `pip install selenium`.
Ends with the line `browser: N passed, N failed`.
"""
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from session import Session

s = Session(sys.argv[1], sys.argv[2], width=1280, height=900)

try:
    s.get("/")
    body = s.driver.find_element(By.TAG_NAME, "body").text
    s.check("home page shows the platform name and live counts", "鄂尔多斯科创服务平台" in body and "家企业" in body, body[:300])
    s.shot("1-home.png")

    s.get("/login")
    s.driver.find_element(By.ID, "username").send_keys("admin")
    s.driver.find_element(By.ID, "password").send_keys("Demo@2026")
    s.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    s.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".session .who")))
    who = s.driver.find_element(By.CSS_SELECTOR, ".session .who").text
    s.check("login through the form shows the signed-in user", "市科技局管理员" in who, who)
    s.shot("2-signed-in.png")

    s.get("/policy/articles/7")
    h1 = s.driver.find_element(By.TAG_NAME, "h1").text
    text = s.driver.find_element(By.CSS_SELECTOR, ".article-text").text
    units = s.driver.find_element(By.CSS_SELECTOR, "ol.units").text
    s.check("article 7 shows its title, text and lead unit",
          "强化企业科技创新主体地位" in h1 and "增量部分按150%加计" in text and units.startswith("市科学技术局"), h1)
    s.shot("3-article-7.png")

    s.get("/policy/match?run=1&kind=enterprise&date=2025-06-30&rd_expense=300%E4%B8%87&rd_expense_last_year=200%E4%B8%87&newly_recognized_hte=true")
    results = s.driver.find_element(By.CSS_SELECTOR, ".match-results").text
    s.check("one-click match shows eligible awards with amounts and the provisional mark",
          "¥500,000.00" in results and "暂定" in results and "待补充数据" in results, results[:300])
    s.shot("4-match.png")

    s.driver.set_window_size(390, 844)
    s.get("/policy")
    width = s.driver.execute_script("return document.documentElement.scrollWidth")
    s.check("the policy page fits a phone screen without sideways scrolling", width <= 390, f"scrollWidth={width}")
    s.shot("5-policy-phone.png")
except Exception as e:  # a crash is a failure with its reason, not a stack trace without a summary
    s.finish("browser", e)
s.finish("browser")
