#!/usr/bin/env python3
"""Browser walk-through of the talent module in headless Chromium: the demo talent (class B) opens 分类认定 and sees
the class reached with its criteria, takes the 人才码 (the QR image loads), checks it on the public verification page,
requests 配偶就业 through the green channel; the 人社局 service officer finds it in the unit's queue, accepts and
completes it (seeing the contact details, which the talent then finds in the access log); the talent sees each step.

    python3 Tests/browser/talent.py http://127.0.0.1:8080 OUT_DIR
Ends with `browser-talent: N passed, N failed`.
"""
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from session import Session

s = Session(sys.argv[1], sys.argv[2])

try:
    s.sign_in("talent")
    s.get("/talent/me")
    body = s.text()
    s.check("the talent's profile shows the class and the personal-data notice", "B 杰出人才" in body and "加密保存" in body, body[:400])
    s.driver.find_element(By.LINK_TEXT, "分类认定").click()
    s.shows("各类认定条件")
    body = s.text()
    b = s.driver.find_element(By.ID, "class-B")
    s.check("分类认定 lists the six classes and marks B as reached by the national programme",
            all(f"{c} " in body for c in "ABCDEF") and "可认定" in b.text and "国家级重大人才工程入选者" in b.text, b.text[:400])
    s.shot("t1-classification.png")

    s.get("/talent/me/code")
    s.driver.find_element(By.ID, "issue-code").click()
    s.shows("有效期至")
    img = s.driver.find_element(By.ID, "talent-code-img")
    loaded = s.driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img)
    s.check("the code page shows the QR image the platform drew", loaded and loaded > 300, loaded)
    s.shot("t2-code.png")
    code = s.driver.execute_script("return document.getElementById('talent-code-text').textContent")
    s.get("/talent/verify?code=" + code)
    result = s.driver.find_element(By.ID, "verify-result").text
    s.check("the public verification page accepts the code (offline signature and online status)",
            "核验通过" in result and "签名有效" in result and "有效（未撤销）" in result and "B 杰出人才" in result, result)
    s.shot("t3-verify.png")

    s.get("/talent/me/requests")
    s.driver.find_element(By.CSS_SELECTOR, "input[name=service][value=spouse_employment]").click()
    s.driver.find_element(By.ID, "details").send_keys("配偶李静，中学教师资格，希望在康巴什区学校任教。")
    s.driver.find_element(By.ID, "submit-request").click()
    s.shows("办理过程")
    request_url = s.driver.current_url
    s.check("the request is filed with the unit and a deadline", "待受理" in s.text() and "市人力资源和社会保障局" in s.text(), s.text()[:400])

    s.sign_in("hrss")
    s.get("/services/requests?state=submitted")
    s.driver.find_element(By.LINK_TEXT, "配偶就业").click()
    s.shows("申请人联系方式")
    body = s.text()
    s.check("the unit officer sees the applicant's phone for this request, marked as logged",
            "13847700001" in body and "访问记录" in body, body[:500])
    Select(s.driver.find_element(By.ID, "action")).select_by_value("accept")
    s.driver.find_element(By.ID, "act-submit").click()
    s.shows("办理中")
    Select(s.driver.find_element(By.ID, "action")).select_by_value("complete")
    s.driver.find_element(By.ID, "note").send_keys("已推荐至康巴什区第二中学，面试时间另行通知。")
    s.driver.find_element(By.ID, "act-submit").click()
    s.shows("已办结")
    s.check("the unit completes the request with a note", "已办结" in s.driver.find_element(By.ID, "request-state").text, s.text()[:300])
    s.shot("t4-unit.png")

    s.sign_in("talent")
    s.driver.get(request_url)
    steps = s.driver.find_element(By.ID, "request-steps").text
    s.check("the talent sees every step: submitted, accepted, completed with the unit's note",
            all(w in steps for w in ["提交申请", "受理", "办结", "康巴什区第二中学"]), steps)
    s.shot("t5-talent-sees.png")
    s.get("/talent/me/access-log")
    log = s.text()
    s.check("the talent's access log names the unit officer who viewed the contact details",
            "人社局" in log and "责任单位办理服务申请" in log, log[:500])

    s.sign_in("talentoffice")
    s.get("/admin/talent?category=B")
    body = s.text()
    s.check("the talent office filters the database by class; IDs are masked", "王明远" in body and "********" in body, body[:400])
    s.shot("t6-database.png")
except Exception as e:  # a crash is a failure with its reason
    s.finish("browser-talent", e)
s.finish("browser-talent")
